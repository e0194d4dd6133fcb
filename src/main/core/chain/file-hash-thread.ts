// A thread of the chain's downloads (see file-hasher.ts): hashes files from the disk as they are written, reading
// each range it is told is written back from the page cache. Jobs of several downloads share it, in message order.
import { createHash, type Hash } from 'node:crypto'
import { closeSync, openSync, readSync } from 'node:fs'
import { parentPort } from 'node:worker_threads'
import { linuxIo, type Blake3Hasher } from '../fsutil/linux-io'
import type { FileHashes, HashReply, HashRequest } from './file-hasher'

interface Job {
  fd: number
  /** One of the two, as asked: BLAKE3 reads and hashes in the addon, without a JavaScript buffer. */
  sha: Hash | null
  b3: Blake3Hasher | null
  md5: Hash | null
  /** Bytes hashed so far. */
  at: number
}

const jobs = new Map<number, Job>()
const buffer = Buffer.allocUnsafe(1024 * 1024)

function hashTo(job: Job, upTo: number): void {
  if (job.b3 && !job.md5) {
    const n = linuxIo()!.blake3UpdateFromFile(job.b3, job.fd, job.at, upTo - job.at)
    if (n < 0) throw new Error(`the file could not be read (errno ${-n})`)
    job.at += n
    if (job.at < upTo) throw new Error(`the file ended at ${job.at} bytes, before ${upTo}`)
    return
  }
  while (job.at < upTo) {
    const n = readSync(job.fd, buffer, 0, Math.min(buffer.length, upTo - job.at), job.at)
    if (n === 0) throw new Error(`the file ended at ${job.at} bytes, before ${upTo}`)
    const chunk = buffer.subarray(0, n)
    job.sha?.update(chunk)
    if (job.b3) linuxIo()!.blake3Update(job.b3, chunk)
    job.md5?.update(chunk)
    job.at += n
  }
}

function end(id: number): void {
  const job = jobs.get(id)
  if (!job) return
  jobs.delete(id)
  closeSync(job.fd)
}

function digests(job: Job): FileHashes {
  return {
    ...(job.sha ? { sha256: job.sha.digest('hex') } : {}),
    ...(job.b3 ? { blake3: linuxIo()!.blake3Hex(job.b3) } : {}),
    md5: job.md5?.digest('hex') ?? null,
  }
}

function handle(m: HashRequest): HashReply | null {
  if (m.op === 'open') {
    const io = m.check === 'blake3' ? linuxIo() : null
    // The caller hashes it instead (file-hasher.ts): the check must not fail for want of this thread's addon.
    if (m.check === 'blake3' && !io) return { id: m.id, unsupported: true }
    const fd = openSync(m.path, 'r')
    jobs.set(m.id, {
      fd,
      sha: m.check === 'sha256' ? createHash('sha256') : null,
      b3: io ? io.blake3New() : null,
      md5: m.md5 ? createHash('md5') : null,
      at: 0,
    })
    return null
  }
  if (m.op === 'drop') return (end(m.id), null)
  const job = jobs.get(m.id)
  // A job that failed was forgotten when its error was sent; the pool does not ask about it again.
  if (!job) return null
  if (m.op === 'advance') return (hashTo(job, m.upTo), null)
  hashTo(job, m.size)
  end(m.id)
  return { id: m.id, ...digests(job) }
}

parentPort!.on('message', (m: HashRequest) => {
  let reply: HashReply | null
  try {
    reply = handle(m)
  } catch (err) {
    try {
      end(m.id)
    } catch {
      // The descriptor is gone with the job either way.
    }
    reply = { id: m.id, error: (err as Error).message }
  }
  if (reply) parentPort!.postMessage(reply)
})
