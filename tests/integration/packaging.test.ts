import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { validateConfiguration } from 'app-builder-lib/out/util/config/config'
import { DebugLogger } from 'builder-util'
import { writeBuilderConfig } from '../../scripts/package-config'
import { REPO } from '../helpers/paths'

/**
 * Whether nothing in the main process is started with child_process.fork, which needs ELECTRON_RUN_AS_NODE in a
 * packaged app: only then may the runAsNode fuse be off (the NFC worker is forked today).
 */
function forkless(): boolean {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
    )
  return !files(join(REPO, 'src', 'main')).some((f) => /\bfork\(/.test(readFileSync(f, 'utf8')))
}

describe('branded installers', () => {
  it('generates an electron-builder configuration per brand that electron-builder’s own validation accepts', async () => {
    const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string })
      .version
    for (const [id, name, appId, product] of [
      ['tapdrop', 'TapDrop', 'com.tapdrop.hub', 'TapDrop 碰一碰'],
      ['shoptap', 'ShopTap', 'com.shoptap.hub', '店小碰'],
    ] as const) {
      const file = await writeBuilderConfig(id)
      expect(file).toBe(join(REPO, 'dist', id, 'electron-builder.json'))
      const c = JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>
      expect(c).toMatchObject({
        appId,
        productName: product,
        executableName: name,
        extraMetadata: { tapdropBrand: id },
        npmRebuild: true,
        nsis: { artifactName: `${name}-Setup-${version}.\${ext}`, shortcutName: product },
        directories: { output: `dist/${id}` },
      })
      expect(c.win.target[0].target).toBe('nsis')
      expect(c.mac.target[0].target).toBe('dmg')
      expect(c.linux.target).toEqual(['AppImage', 'deb'])
      for (const icon of [c.win.icon, c.mac.icon, c.linux.icon])
        expect(existsSync(join(REPO, icon))).toBe(true)
    }
  })

  it('flips Electron fuses: no NODE_OPTIONS or inspector, cookies encrypted, code only from a checked app.asar', async () => {
    for (const id of ['tapdrop', 'shoptap']) {
      const c = JSON.parse(readFileSync(await writeBuilderConfig(id), 'utf8')) as Record<string, any>
      expect(c.electronFuses).toEqual({
        runAsNode: !forkless(),
        enableNodeOptionsEnvironmentVariable: false,
        enableNodeCliInspectArguments: false,
        enableCookieEncryption: true,
        enableEmbeddedAsarIntegrityValidation: true,
        onlyLoadAppFromAsar: true,
        grantFileProtocolExtraPrivileges: false,
      })
      // Fuses only bite on an app.asar: packing into one must not be switched off.
      expect(c.asar).not.toBe(false)
      await expect(validateConfiguration(c as never, new DebugLogger(false))).resolves.toBeUndefined()
    }
    // And electron-builder checks the fuses' names and types, so a misspelt fuse cannot pass silently.
    const c = JSON.parse(readFileSync(await writeBuilderConfig('tapdrop'), 'utf8')) as Record<string, any>
    await expect(
      validateConfiguration(
        { ...c, electronFuses: { ...c.electronFuses, runAsNodes: false } } as never,
        new DebugLogger(false),
      ),
    ).rejects.toThrow(/configuration.electronFuses/)
    await expect(
      validateConfiguration(
        { ...c, electronFuses: { ...c.electronFuses, onlyLoadAppFromAsar: 'yes' } } as never,
        new DebugLogger(false),
      ),
    ).rejects.toThrow(/configuration.electronFuses/)
  })

  it('the validation it passes is real: electron-builder refuses a configuration it does not understand', async () => {
    const file = await writeBuilderConfig('shoptap')
    const c = JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>
    await expect(
      validateConfiguration(
        { ...c, nsis: { ...c.nsis, oneClick: 'maybe' } } as never,
        new DebugLogger(false),
      ),
    ).rejects.toThrow(/oneClick/)
    await expect(
      validateConfiguration({ ...c, installerColour: 'red' } as never, new DebugLogger(false)),
    ).rejects.toThrow(/installerColour/)
  })
})
