import { useSyncExternalStore } from 'react'
import type { Transfer } from '../../../shared/contract/transfers'

export interface LiveRow {
  transfer: Transfer
  /** Bytes per second over the last updates, null until two have arrived. */
  speed: number | null
}

// The monitor's live transfers, fed by the event socket: replaced by the `hello` snapshot on every (re)connect,
// then kept current by transfer events. Each event carries the whole transfer, so nothing is ever counted twice.
const rows = new Map<number, LiveRow & { seenAt: number }>()
const listeners = new Set<() => void>()
let snapshot: LiveRow[] = []
let timer: number | undefined

const LIVE: ReadonlySet<Transfer['status']> = new Set(['pending', 'queued', 'active'])
const KEEP_ENDED_MS = 120_000

function changed(): void {
  // Up to four updates a second per transfer: re-render at most four times a second in all.
  timer ??= window.setTimeout(() => {
    timer = undefined
    const cutoff = Date.now() - KEEP_ENDED_MS
    for (const [id, r] of rows)
      if (!LIVE.has(r.transfer.status) && Date.parse(r.transfer.finishedAt ?? r.transfer.createdAt) < cutoff)
        rows.delete(id)
    snapshot = [...rows.values()]
      .sort((a, b) => b.transfer.id - a.transfer.id)
      .slice(0, 100)
      .map(({ transfer, speed }) => ({ transfer, speed }))
    for (const l of listeners) l()
  }, 250)
}

export function resetLive(list: Transfer[]): void {
  rows.clear()
  const now = Date.now()
  for (const t of list) rows.set(t.id, { transfer: t, speed: null, seenAt: now })
  changed()
}

export function updateLive(t: Transfer): void {
  const now = Date.now()
  const old = rows.get(t.id)
  let speed = old?.speed ?? null
  if (old && now > old.seenAt) {
    const s = ((t.wireBytes - old.transfer.wireBytes) * 1000) / (now - old.seenAt)
    // Smoothed, so the number is readable while it changes four times a second.
    speed = speed === null ? s : speed * 0.6 + s * 0.4
  }
  if (t.status !== 'active') speed = null
  rows.set(t.id, { transfer: t, speed, seenAt: now })
  changed()
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export function useLiveTransfers(): LiveRow[] {
  return useSyncExternalStore(subscribe, () => snapshot)
}
