/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS entry: tsx hooks require(), and the thread is loaded through it */
// A thread run from its TypeScript source (the tests, tsx): tsx's require hook, then the thread's file, both
// named by spawn.ts in argv. A file rather than `eval`: Node 20 can abort the whole process ("Assertion failed …
// AppendExceptionLine") when an eval'd thread is terminated while its script runs.
const [hook, source] = process.argv.slice(-2)
require(hook)
require(source)
