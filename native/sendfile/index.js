'use strict'
// The compiled addon; see sendfile.c for what each function does and why. CommonJS: a .node file loads by require.
// eslint-disable-next-line @typescript-eslint/no-require-imports
module.exports = require('./build/Release/sendfile.node')
