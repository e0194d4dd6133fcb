import { write, writev } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import { Writeback } from '../fsutil/writeback'

/** A write to the partial file failed (a full disk …): the disk's own error, not a break of the stream. */
export class WriteFailed extends Error {
  constructor(readonly original: unknown) {
    super('write failed')
  }
}

/** The hash job is told of written bytes in steps of this much: each message wakes its thread. */
const TELL_EVERY_BYTES = 4 * 1024 * 1024
/** Written, unflushed bytes that start a writeback step. */
const WRITEBACK_EVERY_BYTES = 8 * 1024 * 1024

/**
 * Writes a download's chunks to its partial file the way Node's piped write streams do: one write in flight, and a
 * chunk that arrives meanwhile waits for it while the reader pauses (the socket's data stays in the kernel). What
 * bench:chain (20 stores at once on 2 cores) measured against the alternatives:
 * - waiting for each write before reading on held a download to the file system's round trip;
 * - a write per chunk without waiting woke a thread-pool thread per 64 KB (tens of microseconds each on this VM);
 * - queueing chunks behind the write (1 MiB batches, or up to 512 KB waiting) kept buffers alive across V8's young
 *   collections: promoted, they were freed only by full collections, which then ran several times a second and
 *   took a core of the collector's threads.
 * Written through the callback API, not FileHandle's: each promise request allocates a typed array of its own.
 * Bytes are written in order, so the bytes written are always a prefix of the file.
 */
export class PartWriter {
  private queued: Buffer[] = []
  private queuedBytes = 0
  private running: Promise<void> | null = null
  private failure: unknown = null
  private told: number
  /**
   * The disk kept writing as bytes are written (a step per 8 MiB, Linux only), so the file's final fdatasync waits
   * for little: left to the kernel, 20 stores' downloads waited on the disk together at their ends (bench:chain: the
   * machine a fifth idle). Without the addon the final fdatasync does it all. `drain` ends it before the file closes.
   */
  private readonly writeback: Writeback

  constructor(
    private readonly handle: FileHandle,
    /** Bytes 0 … written of the file are on it already (a resumed download). */
    private written: number,
    /** Bytes 0 … upTo are written (told in steps, and at `drain`). */
    private readonly onWritten: (upTo: number) => void,
  ) {
    this.told = written
    this.writeback = new Writeback(handle.fd, {
      from: written,
      every: WRITEBACK_EVERY_BYTES,
      fallback: 'none',
    })
  }

  /**
   * Queues a chunk. Null when its write could start at once; else a promise to await before reading on (it
   * resolves when the write before it has ended and this one has started). Throws WriteFailed once a write failed.
   */
  push(chunk: Buffer): Promise<void> | null {
    if (this.failure !== null) throw new WriteFailed(this.failure)
    this.queued.push(chunk)
    this.queuedBytes += chunk.length
    if (!this.running) {
      this.start()
      return null
    }
    return this.settle()
  }

  /** Waits until every queued byte is written (or a write failed: then WriteFailed); the writer is done then. */
  async drain(): Promise<void> {
    while (this.running) await this.running
    await this.writeback.end()
    if (this.failure !== null) throw new WriteFailed(this.failure)
    if (this.told < this.written) {
      this.told = this.written
      this.onWritten(this.written)
    }
  }

  private async settle(): Promise<void> {
    while (this.running && this.queuedBytes > 0) await this.running
    if (this.failure !== null) throw new WriteFailed(this.failure)
  }

  private start(): void {
    const chunks = this.queued
    const bytes = this.queuedBytes
    const at = this.written
    this.queued = []
    this.queuedBytes = 0
    this.running = new Promise<void>((resolve) => {
      const done = (err: NodeJS.ErrnoException | null, bytesWritten: number) => {
        this.running = null
        if (err) {
          // What waited behind the failed write is dropped with it: the download ends with this error.
          this.failure = err
          this.queued = []
          this.queuedBytes = 0
        } else {
          this.written = at + bytesWritten
          // A short write (the disk filling up): the rest goes first in the next write, which then says why.
          if (bytesWritten < bytes) this.requeue(chunks, bytesWritten)
          if (this.written - this.told >= TELL_EVERY_BYTES) {
            this.told = this.written
            this.onWritten(this.written)
          }
          this.writeback.advance(this.written)
          if (this.queuedBytes) this.start()
        }
        resolve()
      }
      if (chunks.length === 1) write(this.handle.fd, chunks[0]!, 0, bytes, at, done)
      else writev(this.handle.fd, chunks, at, done)
    })
  }

  private requeue(chunks: Buffer[], skip: number): void {
    const rest: Buffer[] = []
    for (const c of chunks) {
      if (skip >= c.length) skip -= c.length
      else {
        rest.push(skip ? c.subarray(skip) : c)
        skip = 0
      }
    }
    this.queued = [...rest, ...this.queued]
    this.queuedBytes += rest.reduce((n, c) => n + c.length, 0)
  }
}
