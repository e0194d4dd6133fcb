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
  return startThreadFile(`db-${name}.js`, join(__dirname, `${name}.ts`), options)
}

/**
 * Starts a thread whose entry is `built` in the build (an input of electron.vite.config.ts, in out/main) and the
 * TypeScript file `source` run from source. Other layers' threads (the chain's file hashing) start through here too,
 * so there is one way a thread finds its file.
 */
export function startThreadFile(built: string, source: string, options: Omit<WorkerOptions, 'eval'>): Worker {
  for (const file of [join(__dirname, built), join(__dirname, '..', built)])
    if (existsSync(file)) return new Worker(file, options)
  if (!existsSync(source))
    throw new Error(`the thread ${built} is missing (looked for ${built} and ${source})`)
  // Resolved here, from the hub's own module path.
  const hook = require.resolve('tsx/cjs')
  return new Worker(join(__dirname, 'from-source.cjs'), { ...options, argv: [hook, source] })
}
