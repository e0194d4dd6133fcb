'use strict'
// The compiled addon; linux-io.h, sendfile.c and writeback.c say what each function does and why.
// CommonJS: a .node file loads by require.
// eslint-disable-next-line @typescript-eslint/no-require-imports
module.exports = require('./build/Release/linux_io.node')
