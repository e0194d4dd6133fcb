import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statfsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from 'pino'
import { onReadOnlyThread } from '../../db/threads/readonly-client'
import { fsyncFile, syncDir } from '../fsutil/atomic'
import { dayKey } from '../time/days'

const NAME = /^tapdrop-daily-(\d{4}-\d{2}-\d{2})\.db$/

export interface BackupInfo {
  /** The newest daily copy: its file name (in backups/) and when it was made. */
  latest: { file: string; at: string } | null
  kept: number
}

/**
 * One copy of the database a day, kept for `keepDays()` days (0 = none). Made with `VACUUM INTO` on a thread of its
 * own with a read-only connection (db/threads/readonly.ts): a consistent snapshot while the hub goes on writing, in
 * one go (SQLite's backup API starts over each time another connection writes, and the writer thread writes every
 * second). The copy is written under a temporary name and renamed once it is whole and on disk, so a crash or a
 * full disk leaves no half copy that looks like a backup; older copies are removed only after a new one is made.
 * Checked at start and every hour: the first check of a day makes that day's copy.
 */
export class DailyBackups {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private skippedDay: string | null = null

  constructor(
    private readonly d: {
      database: string
      dir: string
      logger: Logger
      keepDays: () => number
      /** Free space the disk must keep after the copy (the hub's own floor for uploads). */
      minFreeBytes: () => number
      now?: () => number
      freeBytes?: (dir: string) => number
    },
  ) {}

  start(): void {
    void this.run()
    this.timer = setInterval(() => void this.run(), 3_600_000)
    this.timer.unref()
  }

  /**
   * Waits for a copy in progress and keeps it: SQLite cannot be interrupted inside the copy statement, and a whole
   * copy is worth the wait (the first check runs at start, so a quick restart may meet one).
   */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    await this.running
  }

  /** Makes today's copy if there is none yet; concurrent calls share the one in progress. */
  run(): Promise<void> {
    this.running ??= this.once().finally(() => (this.running = null))
    return this.running
  }

  info(): BackupInfo {
    const copies = this.copies()
    const newest = copies[copies.length - 1]
    if (!newest) return { latest: null, kept: 0 }
    return {
      latest: { file: newest, at: new Date(statSync(join(this.d.dir, newest)).mtimeMs).toISOString() },
      kept: copies.length,
    }
  }

  private async once(): Promise<void> {
    const keep = this.d.keepDays()
    if (keep <= 0) return
    const day = dayKey((this.d.now ?? Date.now)())
    const file = `tapdrop-daily-${day}.db`
    const target = join(this.d.dir, file)
    if (existsSync(target)) return
    const temp = `${target}.partial`
    try {
      mkdirSync(this.d.dir, { recursive: true })
      // A copy cut off by a crash (any day's) is only a partial file: never a backup.
      for (const f of readdirSync(this.d.dir))
        if (f.startsWith('tapdrop-daily-') && f.endsWith('.partial'))
          rmSync(join(this.d.dir, f), { force: true })
      // The copy is at most the size of the database (VACUUM leaves out free pages), and what is not yet
      // checkpointed lives in the WAL file; the disk keeps its floor after it.
      const size = sizeOf(this.d.database) + sizeOf(`${this.d.database}-wal`)
      const free = this.d.freeBytes ? this.d.freeBytes(this.d.dir) : freeBytesOf(this.d.dir)
      if (free - size < this.d.minFreeBytes()) {
        if (this.skippedDay !== day)
          this.d.logger.warn({ free, size }, 'no daily backup today: not enough free disk space for a copy')
        this.skippedDay = day
        return
      }
      const started = Date.now()
      const reply = await onReadOnlyThread(this.d.database, { kind: 'vacuum-into', into: temp })
      if ('error' in reply) throw Object.assign(new Error(reply.error), { code: reply.code })
      await fsyncFile(temp)
      renameSync(temp, target)
      syncDir(this.d.dir)
      const removed = this.prune(keep)
      this.d.logger.info(
        { file, bytes: statSync(target).size, ms: Date.now() - started, removed },
        'daily backup made',
      )
    } catch (err) {
      rmSync(temp, { force: true })
      this.d.logger.error({ err }, 'the daily backup failed; the older copies are kept')
    }
  }

  private copies(): string[] {
    try {
      return readdirSync(this.d.dir)
        .filter((f) => NAME.test(f))
        .sort()
    } catch {
      return []
    }
  }

  /** Keeps the newest `keep` daily copies (migration copies in the same folder are not touched). */
  private prune(keep: number): string[] {
    const old = this.copies().slice(0, -keep)
    for (const f of old) rmSync(join(this.d.dir, f), { force: true })
    return old
  }
}

function sizeOf(file: string): number {
  return statSync(file, { throwIfNoEntry: false })?.size ?? 0
}

function freeBytesOf(dir: string): number {
  const st = statfsSync(dir)
  return st.bavail * st.bsize
}
