import { useSyncExternalStore } from 'react'

export interface TranscodeProgress {
  percent: number
  speed: number | null
  etaSeconds: number | null
}

// Live transcode progress by video id, fed by the event socket (LiveUpdates); pages read it without refetching.
const progress = new Map<number, TranscodeProgress>()
const listeners = new Set<() => void>()

export function setProgress(videoId: number, p: TranscodeProgress | null): void {
  if (p) progress.set(videoId, p)
  else progress.delete(videoId)
  for (const l of listeners) l()
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export function useTranscodeProgress(videoId: number): TranscodeProgress | null {
  return useSyncExternalStore(subscribe, () => progress.get(videoId) ?? null)
}
