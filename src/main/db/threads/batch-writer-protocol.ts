import type { MessagePort } from 'node:worker_threads'
import type { BatchOp } from '../repos/delivery'

/**
 * What the batch writer thread (batch-writer.ts) and its client (core/delivery/records/thread-writer.ts) share.
 * Besides messages, they share a few Int32 slots, so the client can wait for the thread synchronously (a reader
 * that needs SQLite up to date cannot wait for the event loop to deliver the thread's replies).
 */
export const SLOT = {
  /** The sequence number of the last batch settled (committed or refused). */
  settled: 0,
  /** 1 once the thread is ready; -1 if it could not start; -2 once it has stopped (an exception it did not catch). */
  state: 1,
  /**
   * The last batch committed: set before its reply, so a batch a dying thread committed is not written twice. A thread
   * that dies between its commit and this store leaves the answer in writer_marks instead.
   */
  committed: 2,
} as const
export const SLOTS = 3

export const STATE = { starting: 0, ready: 1, failed: -1, stopped: -2 } as const

export interface BatchWriterData {
  file: string
  /** This writer's name in writer_marks: unique per thread, so two hubs' threads on one file never share a mark. */
  writer: string
  /** Int32Array(SLOTS) over a SharedArrayBuffer. */
  slots: SharedArrayBuffer
  port: MessagePort
}

export type BatchWriterRequest = { seq: number; ops: BatchOp[] } | { close: true }

export interface BatchWriterReply {
  seq: number
  error: string | null
}
