// A database thread (see spawn.ts): one long read of the database file with a read-only connection of its own,
// then it ends. Its task and its answer are typed in readonly-client.ts.
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { applyPragmas } from '../pragmas'
import type { ReadOnlyReply, ReadOnlyTask } from './readonly-client'

const { file, task } = workerData as { file: string; task: ReadOnlyTask }

function answer(): ReadOnlyReply {
  let db: Database.Database | null = null
  try {
    db = new Database(file, { readonly: true, fileMustExist: true })
    applyPragmas(db, 'readonly')
    if (task.kind === 'quick-check') {
      const rows = db.pragma(`quick_check(${Math.trunc(task.limit)})`) as Array<Record<string, unknown>>
      return { problems: rows.map((r) => String(Object.values(r)[0])).filter((m) => m !== 'ok') }
    }
    db.prepare('VACUUM INTO ?').run(task.into)
    return { copied: true }
  } catch (err) {
    const e = err as { message?: string; code?: string }
    return { error: String(e?.message ?? err), code: e?.code ?? null }
  } finally {
    db?.close()
  }
}

parentPort!.postMessage(answer())
