// A thread of the chain's downloads (see file-hasher.ts): hashes files from the disk as they are written, reading
// each range it is told is written back from the page cache. Jobs of several downloads share it, in message order.
import { createHash, type Hash } from 'node:crypto'
import { closeSync, openSync, readSync } from 'node:fs'
import { parentPort } from 'node:worker_threads'
import type { HashReply, HashRequest } from './file-hasher'

interface Job {
  fd: number
  sha: Hash
  md5: Hash | null
  /** Bytes hashed so far. */
  at: number
}

const jobs = new Map<number, Job>()
const buffer = Buffer.allocUnsafe(1024 * 1024)

function hashTo(job: Job, upTo: number): void {
  while (job.at < upTo) {
    const n = readSync(job.fd, buffer, 0, Math.min(buffer.length, upTo - job.at), job.at)
    if (n === 0) throw new Error(`the file ended at ${job.at} bytes, before ${upTo}`)
    const chunk = buffer.subarray(0, n)
    job.sha.update(chunk)
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
    const fd = openSync(m.path, 'r')
    jobs.set(m.id, { fd, sha: createHash('sha256'), md5: m.md5 ? createHash('md5') : null, at: 0 })
    return null
  }
  if (m.op === 'drop') return (end(m.id), null)
  const job = jobs.get(m.id)
  // A job that failed was forgotten when its error was sent; the pool does not ask about it again.
  if (!job) return null
  if (m.op === 'advance') return (hashTo(job, m.upTo), null)
  hashTo(job, m.size)
  end(m.id)
  return { id: m.id, sha256: job.sha.digest('hex'), md5: job.md5?.digest('hex') ?? null }
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
