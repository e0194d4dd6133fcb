import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Worker, type WorkerOptions } from 'node:worker_threads'

/** The database threads, each a TypeScript file of this folder and an entry of the build (electron.vite.config.ts). */
export type DatabaseThread = 'batch-writer' | 'readonly'

/**
 * Starts one of the database threads. Built, it is `out/main/db-<name>.js`, next to cli.js and index.js (this code
 * itself may sit in out/main/chunks). Run from source (the tests, tsx), the TypeScript file is loaded through tsx's
 * require hook, so the same file runs in both.
 */
export function startThread(name: DatabaseThread, options: Omit<WorkerOptions, 'eval'>): Worker {
  for (const built of [join(__dirname, `db-${name}.js`), join(__dirname, '..', `db-${name}.js`)])
    if (existsSync(built)) return new Worker(built, options)
  const source = join(__dirname, `${name}.ts`)
  if (!existsSync(source))
    throw new Error(`the database thread ${name} is missing (looked for db-${name}.js)`)
  // Resolved here, from the hub's own module path.
  const hook = require.resolve('tsx/cjs')
  return new Worker(join(__dirname, 'from-source.cjs'), { ...options, argv: [hook, source] })
}
