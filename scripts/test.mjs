#!/usr/bin/env node
// The test command (`npm test`): static checks, build, then every test. Ends with one plain line
// `N passed, N failed` and exits non-zero on any failure. Each check (typecheck, lint, build) counts as one test.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const args = process.argv.slice(2)
// --quick: only the tests (no typecheck, lint or build), for a fast loop while working on unit tests.
const quick = args.includes('--quick')
const filters = args.filter((a) => !a.startsWith('--'))

let passed = 0
let failed = 0
const failures = []

function step(name, cmd, cmdArgs, env = {}) {
  process.stdout.write(`\n▶ ${name}\n`)
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } })
  if (r.status === 0) passed++
  else {
    failed++
    failures.push(name)
  }
  return r.status === 0
}

function vitest(name, paths, extra = []) {
  const out = join(root, 'test-results', `${name}.json`)
  mkdirSync(join(root, 'test-results'), { recursive: true })
  rmSync(out, { force: true })
  process.stdout.write(`\n▶ ${name}: vitest ${paths.join(' ')}\n`)
  const r = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules', 'vitest', 'vitest.mjs'),
      'run',
      ...paths,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${out}`,
      ...extra,
    ],
    { cwd: root, stdio: 'inherit' },
  )
  if (!existsSync(out)) {
    failed++
    failures.push(`${name} (vitest did not report: exit ${r.status})`)
    return
  }
  const report = JSON.parse(readFileSync(out, 'utf8'))
  passed += report.numPassedTests
  failed += report.numFailedTests
  // A test file that fails to load has no tests but is a failure all the same.
  const brokenSuites = report.testResults.filter(
    (f) => f.status === 'failed' && f.assertionResults.every((a) => a.status !== 'failed'),
  )
  failed += brokenSuites.length
  for (const f of report.testResults)
    for (const a of f.assertionResults)
      if (a.status === 'failed') failures.push(`${f.name.replace(root, '')} › ${a.fullName}`)
  for (const f of brokenSuites)
    failures.push(`${f.name.replace(root, '')} (could not run: ${String(f.message).split('\n')[0]})`)
  // Vitest fails a run with errors outside any test (an uncaught exception in a hub under test, say) while every
  // test passed: that is a failure too.
  if (r.status !== 0 && report.numFailedTests === 0 && brokenSuites.length === 0) {
    failed++
    failures.push(
      `${name} (vitest exited ${r.status} with every test passing: errors outside tests, see above)`,
    )
  }
  const skipped = report.numPendingTests + report.numTodoTests
  if (skipped) process.stdout.write(`(${skipped} skipped in ${name}; see the reasons above)\n`)
}

if (!quick) {
  step('typecheck', process.execPath, [
    join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
    '--noEmit',
    '-p',
    'tsconfig.node.json',
  ])
  step('typecheck (renderer)', process.execPath, [
    join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
    '--noEmit',
    '-p',
    'tsconfig.web.json',
  ])
  // The tests are TypeScript too: a helper whose signature changed must fail here, not at run time in one file.
  step('typecheck (tests)', process.execPath, [
    join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
    '--noEmit',
    '-p',
    'tsconfig.test.json',
  ])
  step('lint', process.execPath, [
    join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'),
    '--max-warnings',
    '0',
    '.',
  ])
}
if (!quick)
  step('build', process.execPath, [
    join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
    'build',
  ])

const wanted = (dir) => filters.length === 0 || filters.some((f) => f.startsWith(dir) || dir.startsWith(f))
const parallelDirs = ['tests/unit', 'tests/integration'].filter(wanted)
if (parallelDirs.length) vitest('unit+integration', parallelDirs)
// Browser tests start Chromium and a hub each; serial keeps them from starving each other on two cores.
if (wanted('tests/e2e')) vitest('e2e', ['tests/e2e'], ['--no-file-parallelism'])

if (failures.length) {
  process.stdout.write('\nFailures:\n')
  for (const f of failures) process.stdout.write(`  ✗ ${f}\n`)
}
process.stdout.write(`\n${passed} passed, ${failed} failed\n`)
process.exit(failed === 0 && passed > 0 ? 0 : 1)
