#!/usr/bin/env node
// `npm run bench [name…] [-- options]`: runs the named benchmarks (default: all), one after another so they do
// not compete for the two cores. Each prints its own figures and ratios against its anchor.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

const dir = new URL('./bench/', import.meta.url).pathname
const all = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'common.ts')
  .map((f) => f.replace(/\.ts$/, ''))
const args = process.argv.slice(2)
const names = args.filter((a) => all.includes(a))
const rest = args.filter((a) => !all.includes(a))
const tsx = join(dir, '..', '..', 'node_modules', 'tsx', 'dist', 'cli.mjs')
if (!existsSync(tsx)) {
  console.error('tsx is not installed; run the set-up command first')
  process.exit(1)
}
let failed = 0
for (const name of names.length ? names : all) {
  console.log(`\n=== bench: ${name} ===`)
  const r = spawnSync(process.execPath, [tsx, join(dir, `${name}.ts`), ...rest], { stdio: 'inherit' })
  if (r.status !== 0) failed++
}
process.exit(failed ? 1 : 0)
