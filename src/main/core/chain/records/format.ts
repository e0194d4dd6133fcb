import { gunzipSync, gzipSync } from 'node:zlib'
import { z } from 'zod'
import { ObjectStoreError } from '../object-store'

/**
 * The records a store ships to headquarters (issue 21): one object per batch, gzip'd JSON lines. The first line is
 * the batch's header, then one line per record. Every field that leaves the store is declared here (README, "What
 * a store ships"): device ids only as an HMAC with the chain's salt (or not at all), addresses only when the store
 * allows it, no user agents, no tokens, no account names.
 *
 *   records/<storeId>/<day>/<sequence, 10 digits>.jsonl.gz
 *
 * The day is the local day the batch was made, never before the previous batch's (a clock set back must not sort a
 * later batch before an earlier one: HQ lists each store's keys in order and starts after the last one applied).
 */
export const RECORDS_PREFIX = 'records/'
export const RECORDS_FORMAT = 1

export const recordsStorePrefix = (storeId: string): string => `${RECORDS_PREFIX}${storeId}/`
export const recordsKey = (storeId: string, day: string, seq: number): string =>
  `${recordsStorePrefix(storeId)}${day}/${String(seq).padStart(10, '0')}.jsonl.gz`

/** `records/<store>/<day>/<seq>.jsonl.gz` → its parts; anything else → null. */
export function parseRecordsKey(key: string): { storeId: string; day: string; seq: number } | null {
  const m = /^records\/([a-z0-9][a-z0-9-]{0,39})\/(\d{4}-\d{2}-\d{2})\/(\d{10})\.jsonl\.gz$/.exec(key)
  return m ? { storeId: m[1]!, day: m[2]!, seq: Number(m[3]) } : null
}

const id = z.number().int().nonnegative()
const ms = z.number().int().nonnegative()
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/)

export const BatchHeaderSchema = z.strictObject({
  t: z.literal('batch'),
  v: z.literal(RECORDS_FORMAT),
  store: z.string(),
  seq: z.number().int().positive(),
  createdAt: ms,
  records: z.number().int().nonnegative(),
})

export const TapRecordSchema = z.strictObject({
  t: z.literal('tap'),
  id,
  day,
  at: ms,
  tagCode: z.string(),
  tagLabel: z.string().nullable(),
  device: z.string().nullable(),
  ip: z.string().nullable(),
  outcome: z.string(),
})

export const TransferRecordSchema = z.strictObject({
  t: z.literal('transfer'),
  id,
  day,
  tapId: id.nullable(),
  tagCode: z.string(),
  tagLabel: z.string().nullable(),
  /** The chain's id of the video (a campaign's video from HQ), null for the store's own videos. */
  videoChainId: z.string().nullable(),
  videoTitle: z.string().nullable(),
  rendition: z.string(),
  tier: z.string(),
  device: z.string().nullable(),
  ip: z.string().nullable(),
  status: z.enum(['pending', 'queued', 'active', 'completed', 'aborted', 'failed', 'expired']),
  bytesTotal: id,
  bytesSent: id,
  createdAt: ms,
  finishedAt: ms.nullable(),
})

export const FunnelRecordSchema = z.strictObject({
  t: z.literal('funnel'),
  id,
  day,
  transferId: id,
  kind: z.string(),
  platform: z.string(),
  tagCode: z.string().nullable(),
  at: ms,
  count: z.number().int().positive(),
})

/** One tag's totals for one finished day, as the store rolled them up. */
export const DayRecordSchema = z.strictObject({
  t: z.literal('day'),
  day,
  tagCode: z.string(),
  tagLabel: z.string().nullable(),
  taps: id,
  refused: id,
  transfers: id,
  completed: id,
  failed: id,
  bytes: id,
})

export const RecordSchema = z.discriminatedUnion('t', [
  TapRecordSchema,
  TransferRecordSchema,
  FunnelRecordSchema,
  DayRecordSchema,
])
export type BatchHeader = z.infer<typeof BatchHeaderSchema>
export type TapRecord = z.infer<typeof TapRecordSchema>
export type TransferRecord = z.infer<typeof TransferRecordSchema>
export type FunnelRecord = z.infer<typeof FunnelRecordSchema>
export type DayRecord = z.infer<typeof DayRecordSchema>
export type ChainRecord = z.infer<typeof RecordSchema>

export interface Batch {
  header: BatchHeader
  records: ChainRecord[]
}

/** The object's bytes: the same batch always gives the same bytes (gzip with no name or time in its header). */
export function encodeBatch(batch: Batch): Buffer {
  const lines = [batch.header, ...batch.records].map((r) => JSON.stringify(r)).join('\n') + '\n'
  return gzipSync(Buffer.from(lines, 'utf8'), { level: 6 })
}

/** The largest batch a reader inflates (a batch holds at most a few thousand records, far below this). */
const MAX_INFLATED = 64 * 1024 * 1024

/** Reads an object back; anything that is not a batch of this format is refused (reason `invalid`) with why. */
export function decodeBatch(bytes: Buffer, key: string): Batch {
  const bad = (why: string) =>
    new ObjectStoreError('invalid', `the records object ${key} ${why}`, { op: 'records', key })
  let text: string
  try {
    text = gunzipSync(bytes, { maxOutputLength: MAX_INFLATED }).toString('utf8')
  } catch {
    throw bad('is not gzip')
  }
  const lines = text.split('\n').filter((l) => l.length > 0)
  const parsed = lines.map((line, i) => {
    try {
      return JSON.parse(line) as unknown
    } catch {
      throw bad(`line ${i + 1} is not JSON`)
    }
  })
  const header = BatchHeaderSchema.safeParse(parsed[0])
  if (!header.success) throw bad('has no batch header it can read')
  const where = parseRecordsKey(key)
  if (where && (where.storeId !== header.data.store || where.seq !== header.data.seq))
    throw bad(`says it is ${header.data.store} #${header.data.seq}`)
  const records: ChainRecord[] = []
  for (let i = 1; i < parsed.length; i++) {
    const r = RecordSchema.safeParse(parsed[i])
    if (!r.success) throw bad(`line ${i + 1} is not a record: ${r.error.issues[0]?.message ?? ''}`)
    records.push(r.data)
  }
  if (records.length !== header.data.records)
    throw bad(`holds ${records.length} records where its header says ${header.data.records}`)
  return { header: header.data, records }
}
