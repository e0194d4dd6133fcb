import type { TapOutcome, TransferStatus } from '../contract/transfers'
import type { VideoStatus } from '../contract/videos'
import type { Strategy, Tier } from '../contract/tags'
import type { BatchItemState, NfcServiceState } from '../contract/nfc'
import type { TimelineStep } from '../contract/monitoring'
import type { RefusalReason } from '../video-refusals'
import type { Role } from '../roles'
import type { CaptionStrategy, Platform } from '../contract/publish'
import type { FunnelStep } from '../contract/funnel'
import type { StoreAction } from '../contract/store-actions'

/** The columns of the transfer history, as the CSV export has them (the console's table shares some). */
export type TransferField =
  | 'id'
  | 'time'
  | 'tag'
  | 'tagCode'
  | 'video'
  | 'rendition'
  | 'tier'
  | 'os'
  | 'browser'
  | 'ip'
  | 'deviceId'
  | 'status'
  | 'sizeBytes'
  | 'deliveredBytes'
  | 'wireBytes'
  | 'requests'
  | 'startedAt'
  | 'finishedAt'
  | 'reason'

/**
 * The columns of headquarters' records per store and per day (the chain dashboard's tables, its CSV export).
 */
export type ChainRecordsField =
  | 'storeId'
  | 'store'
  | 'day'
  | 'taps'
  | 'transfers'
  | 'completed'
  | 'completedShare'
  | 'failed'
  | 'expired'
  | 'funnel'
  | 'lastRecord'
  | 'received'
  | 'quarantined'

/**
 * The words people read for the hub's statuses and kinds, one table per language, keyed by the contract's enums:
 * a status added to the contract and not named here fails the type check. The console (merged into its i18n
 * resources under `label`), the phone pages, the CSV export, upload refusals and the label PDFs all take their
 * words from here, so a status reads the same wherever it is shown. Placeholders are written `{{n}}`.
 */
export interface Labels {
  /** Where a phone's download stands. */
  transferStatus: Record<TransferStatus, string>
  /** A place in the download line, `{{n}}` = 1 for the next in line. */
  queuePosition: string
  videoStatus: Record<VideoStatus, string>
  tier: Record<Tier, string>
  /** How a tag with several videos picks one. */
  strategy: Record<Strategy, string>
  /** What came of a tap. */
  tapOutcome: Record<TapOutcome, string>
  /** The steps of a transfer's timeline. */
  timelineStep: Record<TimelineStep['kind'], string>
  /** Why an upload was refused. */
  refusal: Record<RefusalReason, string>
  /** What became of a tag placed on the reader during a programming batch. */
  batchItemState: Record<BatchItemState, string>
  nfcService: Record<NfcServiceState, string>
  role: Record<Role, string>
  /** The apps a customer posts to (the phone page's buttons, the console's publish settings). */
  platform: Record<Platform, string>
  /** How a tag draws a tap's caption. */
  captionStrategy: Record<CaptionStrategy, string>
  /**
   * What a customer did with a transfer (the conversion funnel): the dashboard's funnel, the transfer drawer's
   * steps and the CSV export's columns.
   */
  funnelStep: Record<FunnelStep, string>
  transferField: Record<TransferField, string>
  chainRecordsField: Record<ChainRecordsField, string>
  /** The store's blocks beside the video (the phone page's block titles, the tag form's choices). */
  storeAction: Record<StoreAction, string>
  /** The title over them. */
  storeActions: string
  /** The printed card beside a tag (label PDFs). */
  labelCard: { tap: string; scan: string; wifi: string; wifiScan: string }
}
