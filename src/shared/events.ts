// Events the hub pushes to the admin console over its authenticated WebSocket (/api/events).
// Each is a snapshot of what changed (not a delta), so a client that missed one catches up with the next.
export type HubEvent =
  | { type: 'hello'; at: string }
  | { type: 'users-changed' }
  | { type: 'settings-changed' }
  /** A video was added, changed state, or was removed: reload lists. */
  | { type: 'videos-changed'; videoId: number }
  /** Transcoding progress, about four a second per video. */
  | {
      type: 'video-progress'
      videoId: number
      jobId: number
      percent: number
      speed: number | null
      etaSeconds: number | null
    }

export type HubEventType = HubEvent['type']
