/**
 * `npm run package:config [-- --brand shoptap]` (or TAPDROP_BRAND=shoptap): writes dist/<brand>/electron-builder.json
 * for a brand profile and checks it with electron-builder's own configuration validation (its JSON schema and
 * rules). Then, on a machine with internet (electron-builder downloads Electron and the installer tools):
 *   npx electron-builder --config dist/<brand>/electron-builder.json --win   (or --mac, --linux)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { validateConfiguration } from 'app-builder-lib/out/util/config/config'
import { DebugLogger } from 'builder-util'
import { loadProfile } from '../src/main/core/brand/profile'
import { builderConfig } from '../src/main/packaging/builder-config'

const ROOT = join(__dirname, '..')

export async function writeBuilderConfig(id: string): Promise<string> {
  const brand = loadProfile(join(ROOT, 'resources', 'brands', id), true)
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
  const config = builderConfig(brand, { version, root: ROOT })
  await validateConfiguration(config as never, new DebugLogger(false))
  const out = join(ROOT, 'dist', id, 'electron-builder.json')
  mkdirSync(join(ROOT, 'dist', id), { recursive: true })
  writeFileSync(out, JSON.stringify(config, null, 2) + '\n')
  return out
}

if (require.main === module) {
  const i = process.argv.indexOf('--brand')
  const id = (i > 0 ? process.argv[i + 1] : undefined) ?? process.env.TAPDROP_BRAND ?? 'tapdrop'
  writeBuilderConfig(id)
    .then((file) => {
      console.log(`${file}: valid for electron-builder`)
      console.log(`next (needs internet): npx electron-builder --config ${file} --win | --mac | --linux`)
    })
    .catch((err: Error) => {
      console.error(err.message)
      process.exit(1)
    })
}
