#!/usr/bin/env node
'use strict'
// The `tapdrop` command. The code is built into out/main by `npm run build` (the set-up command does it).
const { existsSync } = require('node:fs')
const { join } = require('node:path')

const cli = join(__dirname, '..', 'out', 'main', 'cli.js')
if (!existsSync(cli)) {
  process.stderr.write(
    'tapdrop: not built yet; run `npm run build` (or the set-up command in README.md) first\n',
  )
  process.exit(1)
}
require(cli)
  .main(process.argv)
  .then((code) => {
    process.exitCode = code
  })
