// A thread of the chain's downloads (see file-hasher.ts): hashes files from the disk as they are written, reading
// each range it is told is written back from the page cache. Jobs of several downloads share it, in message order.
import { createHash, type Hash } from 'node:crypto'
import { closeSync, openSync, readSync } from 'node:fs'
import { parentPort } from 'node:worker_threads'
import { blake3Here, Digests } from './checksum'
import type { HashReply, HashRequest } from './file-hasher'

interface Job {
  fd: number
  /** The checksum asked for: BLAKE3 alone reads and hashes in the addon, without a JavaScript buffer. */
  digests: Digests
  md5: Hash | null
  /** Bytes hashed so far. */
  at: number
}

const jobs = new Map<number, Job>()
const buffer = Buffer.allocUnsafe(1024 * 1024)

function hashTo(job: Job, upTo: number): void {
  const n = job.md5 ? null : job.digests.updateFromFile(job.fd, job.at, upTo - job.at)
  if (n !== null) {
    if (n < 0) throw new Error(`the file could not be read (errno ${-n})`)
    job.at += n
    if (job.at < upTo) throw new Error(`the file ended at ${job.at} bytes, before ${upTo}`)
    return
  }
  while (job.at < upTo) {
    const n = readSync(job.fd, buffer, 0, Math.min(buffer.length, upTo - job.at), job.at)
    if (n === 0) throw new Error(`the file ended at ${job.at} bytes, before ${upTo}`)
    const chunk = buffer.subarray(0, n)
    job.digests.update(chunk)
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

function handle(m: HashRequest): HashReply | null {
  if (m.op === 'open') {
    // The caller hashes it instead (file-hasher.ts): the check must not fail for want of this thread's addon.
    if (m.check === 'blake3' && !blake3Here()) return { id: m.id, unsupported: true }
    const fd = openSync(m.path, 'r')
    jobs.set(m.id, {
      fd,
      digests: new Digests([m.check]),
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
  return { id: m.id, ...job.digests.digest(), md5: job.md5?.digest('hex') ?? null }
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
