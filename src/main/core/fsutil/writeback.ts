import { fdatasync } from 'node:fs'
import { linuxIo } from './linux-io'

/**
 * Keeps the disk writing a file while it is being written: once `every` bytes are written and not flushed, their
 * writeback starts, and the next starts as soon as one ends. Left to itself, the kernel holds written bytes in the
 * page cache (its background writeback starts at 10% of memory or after 30 s) and writes them all at the file's
 * final fdatasync, so the writer waits on the disk at the end instead of the disk working meanwhile. On Linux each
 * step is sync_file_range through our addon, which skips the drive-cache barrier every fdatasync carries;
 * elsewhere it is an fdatasync (`fallback: 'fdatasync'`) or nothing (`'none'`: the final fdatasync does it all).
 * Used by uploads (storage.ts) and the chain's downloads (chain/part-writer.ts). A failed step only leaves its
 * stretch to the caller's final fdatasync, which is the durable point and reports what counts.
 */
export class Writeback {
  private flushedTo: number
  private written: number
  private running: Promise<void> | null = null
  private ended = false

  constructor(
    private readonly fd: number,
    private readonly o: { from: number; every: number; fallback: 'fdatasync' | 'none' },
  ) {
    this.flushedTo = o.from
    this.written = o.from
  }

  /** Bytes 0 … `written` of the file are written. */
  advance(written: number): void {
    this.written = written
    this.kick()
  }

  /** No step starts from here on; resolves once none uses the descriptor (call before closing it). */
  async end(): Promise<void> {
    this.ended = true
    while (this.running) await this.running
  }

  private kick(): void {
    if (this.ended || this.running || this.written - this.flushedTo < this.o.every) return
    const io = linuxIo()
    if (!io && this.o.fallback === 'none') return
    const upTo = this.written
    this.running = new Promise<void>((resolve) => {
      const next = () => {
        this.flushedTo = upTo
        this.running = null
        resolve()
        this.kick()
      }
      if (io) io.startWriteback(this.fd, this.flushedTo, upTo - this.flushedTo, next)
      else fdatasync(this.fd, next)
    })
  }
}
