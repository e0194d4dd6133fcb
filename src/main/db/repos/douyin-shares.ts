import type { Database } from 'better-sqlite3'
import {
  DouyinShareIdSourceSchema,
  DouyinShareResultSchema,
  type DouyinShareIdSource,
  type DouyinShareResult,
} from '../../../shared/contract/douyin'
import { oneOf } from '../check'

export interface DouyinShareRecord {
  shareId: string
  source: DouyinShareIdSource
  transferId: number
  createdAt: number
  result: DouyinShareResult | null
  resultAt: number | null
}

export type DouyinSharesRepo = ReturnType<typeof douyinSharesRepo>

export function douyinSharesRepo(db: Database) {
  const insert = db.prepare<[string, string, number, number]>(
    'INSERT INTO douyin_shares (share_id, source, transfer_id, created_at) VALUES (?, ?, ?, ?)',
  )
  const byId = db.prepare<[string], Record<string, unknown>>('SELECT * FROM douyin_shares WHERE share_id = ?')
  const byTransfer = db.prepare<[number], Record<string, unknown>>(
    'SELECT * FROM douyin_shares WHERE transfer_id = ? ORDER BY created_at',
  )
  const setResult = db.prepare<[string, number, string]>(
    'UPDATE douyin_shares SET result = ?, result_at = ? WHERE share_id = ?',
  )
  const prune = db.prepare<[number, number]>(
    'DELETE FROM douyin_shares WHERE share_id IN (SELECT share_id FROM douyin_shares WHERE created_at < ? LIMIT ?)',
  )
  const toRecord = (r: Record<string, unknown>): DouyinShareRecord => ({
    shareId: r.share_id as string,
    source: oneOf(DouyinShareIdSourceSchema, 'douyin_shares', 'source', r.source),
    transferId: r.transfer_id as number,
    createdAt: r.created_at as number,
    result: r.result === null ? null : oneOf(DouyinShareResultSchema, 'douyin_shares', 'result', r.result),
    resultAt: (r.result_at as number | null) ?? null,
  })

  return {
    insert(s: { shareId: string; source: DouyinShareIdSource; transferId: number; createdAt: number }): void {
      insert.run(s.shareId, s.source, s.transferId, s.createdAt)
    },
    find(shareId: string): DouyinShareRecord | null {
      const r = byId.get(shareId)
      return r ? toRecord(r) : null
    },
    forTransfer: (transferId: number) => byTransfer.all(transferId).map(toRecord),
    /** Records what became of a share; false when the id is unknown. */
    setResult(shareId: string, result: DouyinShareResult, at: number): boolean {
      return setResult.run(result, at, shareId).changes > 0
    },
    /** Deletes up to `limit` shares created before `before`; how many went. */
    prune: (before: number, limit: number) => prune.run(before, limit).changes,
  }
}
