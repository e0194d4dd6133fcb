import type { DeliveryStatus, TapOutcome, Transfer, TransferPhase } from './contract/transfers'
import type { Batch, NfcStatus } from './contract/nfc'
import type { Notification } from './contract/monitoring'

// Events the hub pushes to the admin console over its authenticated WebSocket (/api/events).
// Each is a snapshot of what changed (not a delta), so a client that missed one catches up with the next.
export type HubEvent =
  /** First frame on every connection: the live transfers and the queue as they are now (reload the rest). */
  | { type: 'hello'; at: string; live: Transfer[]; queue: DeliveryStatus | null }
  | { type: 'users-changed' }
  | { type: 'settings-changed' }
  /** The brand changed (profile switched or edited): reload it. */
  | { type: 'brand-changed' }
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
  /** Tags were added, edited or deleted (`deletedId`: the one deleted, whose id a new tag may get next). */
  | { type: 'tags-changed'; deletedId?: number }
  /** A caption was added, edited or removed (or went with its video or tag): reload caption lists. */
  | { type: 'captions-changed' }
  /**
   * Funnel steps were written (at most once a second, a batch of phones' steps at a time): reload funnel counts.
   */
  | { type: 'funnel-changed' }
  /** A tag's coupon codes changed: a phone was given one, or staff imported or cleared codes. */
  | { type: 'coupons-changed'; tagId: number }
  /** A phone tapped a tag (whatever came of it: delivered, quota used up, unknown tag …). */
  | {
      type: 'tap'
      at: string
      tagCode: string
      tagLabel: string | null
      outcome: TapOutcome
      deviceId: string
      transferId: number | null
    }
  /** A transfer's state or progress (progress about four times a second per transfer, at most). */
  | { type: 'transfer'; phase: TransferPhase; transfer: Transfer; at: number }
  /** The admission queue: how many stream, who waits. */
  | { type: 'queue'; status: DeliveryStatus }
  /** NFC service, readers and the tags on them. */
  | { type: 'nfc'; status: NfcStatus }
  /** The running programming batch (its list of placed tags and their results). */
  | { type: 'nfc-batch'; batch: Batch }
  /** The chain: a store's sync or HQ's catalog and publish jobs changed (progress at most twice a second). */
  | { type: 'chain-changed' }
  /** Something staff should know (each user's muted kinds are left out on their side). */
  | { type: 'notification'; notification: Notification }

export type HubEventType = HubEvent['type']

/**
 * Why the hub closed a console's event socket (WebSocket close codes 4000–4999 are the application's).
 * `sessionEnded`: logged out, expired, password reset or account disabled: log in again.
 * `roleChanged`: an admin changed this person's role: reload who you are, then reconnect.
 */
export const EVENTS_CLOSE = {
  sessionEnded: { code: 4401, reason: 'session ended' },
  roleChanged: { code: 4403, reason: 'role changed' },
} as const
