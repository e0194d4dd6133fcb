import { z } from 'zod'
import { HostSchema, PortSchema, PublicUrlSchema } from '../../../shared/contract/hub'
import { LanguageSchema } from '../../../shared/contract/common'
import {
  ChainAccessKeySchema,
  ChainBucketSchema,
  ChainEndpointSchema,
  ChainRegionSchema,
  ChainRoleSchema,
  ChainSecretKeySchema,
  ChainStoreIdSchema,
} from '../../../shared/contract/chain'
import { StoreNameSchema } from '../../../shared/contract/captions'
import { PlatformLimitsMapSchema } from '../../../shared/contract/publish'
import { ReviewUrlSchema } from '../../../shared/contract/store-actions'
import { RemixRenditionSchema } from '../../../shared/contract/remix'
import {
  DouyinApiBaseUrlSchema,
  DouyinClientKeySchema,
  DouyinClientSecretSchema,
  DouyinVideoBaseUrlSchema,
} from '../../../shared/contract/douyin'

const int = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)

/**
 * Everything the hub can be configured with. Sources, lowest first: built-in defaults, `<data>/config.json`
 * (also what the Settings page writes), `TAPDROP_*` environment variables, command-line flags.
 */
export const ConfigShape = {
  /** Admin console + API listener. Loopback by default: the store LAN never sees it. */
  adminHost: HostSchema,
  adminPort: PortSchema,
  /** Extra Host header values the admin listener accepts (e.g. a manager's PC name when adminHost is not loopback). */
  allowedAdminHosts: z.array(z.string().min(1).max(253)).max(20),
  /** Phone-facing listener: tap pages and media only. */
  lanHost: HostSchema,
  lanPort: PortSchema,
  /** Base URL written into tags; null = derived from the first LAN address and lanPort. */
  publicUrl: PublicUrlSchema.nullable(),
  language: LanguageSchema,
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']),
  logMaxMegabytes: int(1, 1024),
  logFiles: int(1, 50),
  sessionIdleMinutes: int(5, 60 * 24 * 30),
  sessionMaxDays: int(1, 365),
  /** Largest accepted upload. */
  uploadMaxMegabytes: int(1, 64 * 1024),
  /** Uploads are refused when less than this would remain free on the data disk. */
  minFreeDiskMegabytes: int(0, 1024 * 1024),
  /** Uploads per person per day (0 = no limit); the local CLI is not limited. */
  uploadsPerDayStaff: int(0, 100_000),
  uploadsPerDayAdmin: int(0, 100_000),
  /** Transcodes at once. One ffmpeg already uses every core; two only help on big machines. */
  transcodeConcurrency: int(1, 16),
  /** Wait before the first retry of a failed job; each further retry waits four times longer. */
  jobRetryBaseSeconds: int(0, 3600),
  /** An ffmpeg that writes nothing for this long is stopped and its job retried (hung on a bad file or disk). */
  transcodeStallSeconds: int(5, 3600),
  /** Videos a phone may take per day from normal / VIP tags (0 = no limit). */
  quotaNormal: int(0, 100_000),
  quotaVip: int(0, 100_000),
  /** Phones downloading at once; the rest wait in line (VIP first, then smaller files, then arrival). */
  maxStreams: int(1, 1000),
  /** Longest wait in line before the phone is asked to tap again. */
  queueMaxWaitSeconds: int(10, 3600),
  /**
   * Media responses one transfer may stream at once (0 = no limit). A phone's player opens 2–3; one link shared out
   * or fed to a download tool would otherwise take the bandwidth maxStreams shares between phones.
   */
  mediaConnectionsPerTransfer: int(0, 64),
  /** Rendition by kind of device: the largest rendition not above this is delivered. */
  renditionPhone: z.enum(['1080p', '720p', '480p']),
  renditionTablet: z.enum(['1080p', '720p', '480p']),
  renditionOther: z.enum(['1080p', '720p', '480p']),
  /** Taps per minute from one address (0 = no limit). */
  tapRateLimitPerMinute: int(0, 100_000),
  /** How long a transfer's media link works. */
  transferTtlHours: int(1, 24 * 30),
  /** HTTPS on the phone listener: PEM files the store provides. Both or neither. */
  lanTlsCert: z.string().min(1).nullable(),
  lanTlsKey: z.string().min(1).nullable(),
  /** Announce the hub on the LAN by mDNS (Bonjour / zeroconf). */
  mdns: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]),
  /** Talk to NFC readers (through pcscd, in a worker process). Off on PCs that program no tags. */
  nfc: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]),
  /** The store Wi-Fi, printed as a QR code on placement cards (phones must join it to reach the hub). */
  wifiSsid: z.string().min(1).max(32, 'an SSID has at most 32 bytes').nullable(),
  wifiPassword: z.string().max(63, 'a Wi-Fi password has at most 63 characters').nullable(),
  wifiSecurity: z.enum(['WPA', 'WEP', 'nopass']),
  /** The brand profile in effect (resources/brands/<id> or one imported into <data>/brands). */
  brand: z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'must be a brand profile id like tapdrop'),
  /** Days raw taps, transfers and timelines are kept; older days live on as daily roll-ups. */
  retentionDays: int(7, 3650),
  /** Daily copies of the database kept in backups/ (0 = no daily copies). */
  backupDays: int(0, 365),
  /** Notify when this many transfers fail within 10 minutes (0 = never). */
  alertFailedTransfers: int(0, 100_000),
  /** Notify when quotas refuse this many taps within an hour (0 = never). */
  alertQuotaRefusals: int(0, 100_000),
  /** Notify when the data disk has less free space than this (0 = never). */
  diskLowMegabytes: int(0, 1024 * 1024),
  /**
   * A chain of stores (the issue's `chain.*` keys, flat here: chain.role → chainRole, TAPDROP_CHAIN_ROLE). A store
   * hub without any of them is what it always was. core/chain/settings.ts says what they amount to.
   */
  chainRole: ChainRoleSchema,
  /** The S3-compatible object store: base URL, region, bucket, key pair (the secret never leaves the hub). */
  chainEndpoint: ChainEndpointSchema.nullable(),
  chainRegion: ChainRegionSchema,
  chainBucket: ChainBucketSchema.nullable(),
  chainAccessKey: ChainAccessKeySchema.nullable(),
  chainSecretKey: ChainSecretKeySchema.nullable(),
  /** Path-style addressing (Ceph RGW, MinIO); false: virtual-host (Aliyun OSS, Tencent COS, AWS S3). */
  chainPathStyle: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]),
  /** PEM file of a private CA that signed the store's certificate. */
  chainCaFile: z.string().trim().min(1).max(4096).nullable(),
  /** This store in the chain: its id, in object keys (the name HQ shows is storeName). */
  chainStoreId: ChainStoreIdSchema.nullable(),
  /** How often a store asks for a new catalog (one conditional GET when nothing changed). */
  chainPollSeconds: int(10, 24 * 3600),
  /**
   * A store's downloads from the object store together, in megabits per second (0 = no limit): the store's uplink
   * is shared with the phones on its Wi-Fi and the tills.
   */
  chainDownloadMbps: int(0, 100_000),
  /**
   * How long what the catalog no longer holds is kept: a store keeps an unpublished video (for phones still
   * downloading it) this long, headquarters its files in the bucket (for stores still syncing an older catalog).
   */
  chainGraceHours: int(1, 24 * 90),
  /** A store tells staff when it has not been able to sync for this long (0 = never). */
  chainStaleHours: int(0, 24 * 90),
  /** How often a store ships its records to headquarters, and headquarters looks for new ones (issue 21). */
  chainRecordsSeconds: int(1, 24 * 3600),
  /**
   * What leaves the store about a phone: `hashed` ships its device id as an HMAC-SHA-256 with chainRecordsSalt (the
   * same phone, the same value in every store of the chain), `none` ships no device id.
   */
  chainRecordsDevices: z.enum(['hashed', 'none']),
  /** Ship phones' IP addresses with the records (off by default). */
  chainRecordsIps: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]),
  /** The chain's salt for device ids: the same in every store (without it no device id leaves the store). */
  chainRecordsSalt: z.string().trim().min(16, 'at least 16 characters').max(256).nullable(),
  /** The store's name, for `{门店}` in captions. */
  storeName: StoreNameSchema.nullable(),
  /**
   * Each platform's limits for captions, where the store set its own (the rest follow DEFAULT_PLATFORM_LIMITS).
   * From the environment as JSON: TAPDROP_PLATFORM_LIMITS='{"douyin":{"maxChars":55,…}}'.
   */
  platformLimits: z.preprocess(jsonText, PlatformLimitsMapSchema.partial()),
  /** "发布到抖音" through Douyin's open platform (docs/douyin.md): needs the store's own credentials and an uplink. */
  douyinEnabled: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]),
  douyinClientKey: DouyinClientKeySchema.nullable(),
  /** A secret: never shown back, logged or audited (only that it changed). */
  douyinClientSecret: DouyinClientSecretSchema.nullable(),
  /** The store's review page (大众点评 …) for the review block of the phone page; null = none. */
  reviewUrl: ReviewUrlSchema.nullable(),
  /** Remix pools (issue 19): ready + rendering variants per remix tag, at least / at most. */
  remixPoolMin: int(0, 1000),
  remixPoolMax: int(1, 1000),
  /** A pool holds the variants the tag's last hour of taps would use in this many minutes (between min and max). */
  remixPoolLeadMinutes: int(1, 24 * 60),
  /** A variant given to a phone is deleted this long after (its transfer keeps the seed, so it can be re-rendered). */
  remixUsedKeepHours: int(1, 24 * 30),
  /** Disk the variants may take in all; the oldest used ones go first, and no new ones render above it. */
  remixDiskMegabytes: int(50, 1024 * 1024),
  /** The size variants are rendered at (a phone ladder rung). */
  remixRendition: RemixRenditionSchema,
  /** CPU priority of variant ffmpeg (0–19, higher = gentler): phones and transcodes come first. */
  remixNiceness: int(0, 19),
  /** Douyin's OpenAPI; tests point it at a local stand-in. */
  douyinApiBaseUrl: DouyinApiBaseUrlSchema,
  /** Where the Douyin app downloads the video from instead of the hub's LAN address (null = the LAN address). */
  douyinVideoBaseUrl: DouyinVideoBaseUrlSchema.nullable(),
} as const

/** A JSON object given as text (an environment variable) is read as JSON; anything else is left to the schema. */
function jsonText(value: unknown): unknown {
  if (typeof value !== 'string') return value
  try {
    return JSON.parse(value)
  } catch {
    return value
  }
}

export const ConfigSchema = z.strictObject(ConfigShape)
export type Config = z.infer<typeof ConfigSchema>
export type ConfigKey = keyof Config

export const DEFAULT_CONFIG: Config = {
  adminHost: '127.0.0.1',
  adminPort: 7410,
  allowedAdminHosts: [],
  lanHost: '0.0.0.0',
  lanPort: 8080,
  publicUrl: null,
  language: 'zh-CN',
  logLevel: 'info',
  logMaxMegabytes: 10,
  logFiles: 5,
  sessionIdleMinutes: 12 * 60,
  sessionMaxDays: 7,
  uploadMaxMegabytes: 4096,
  minFreeDiskMegabytes: 1024,
  uploadsPerDayStaff: 50,
  uploadsPerDayAdmin: 0,
  transcodeConcurrency: 1,
  jobRetryBaseSeconds: 10,
  transcodeStallSeconds: 300,
  quotaNormal: 3,
  quotaVip: 10,
  maxStreams: 8,
  queueMaxWaitSeconds: 180,
  mediaConnectionsPerTransfer: 4,
  renditionPhone: '720p',
  renditionTablet: '1080p',
  renditionOther: '1080p',
  tapRateLimitPerMinute: 60,
  transferTtlHours: 24,
  lanTlsCert: null,
  lanTlsKey: null,
  mdns: true,
  nfc: true,
  wifiSsid: null,
  wifiPassword: null,
  wifiSecurity: 'WPA',
  brand: 'tapdrop',
  retentionDays: 365,
  backupDays: 7,
  alertFailedTransfers: 5,
  alertQuotaRefusals: 20,
  diskLowMegabytes: 2048,
  chainRole: 'store',
  chainEndpoint: null,
  chainRegion: 'us-east-1',
  chainBucket: null,
  chainAccessKey: null,
  chainSecretKey: null,
  chainPathStyle: true,
  chainCaFile: null,
  chainStoreId: null,
  chainPollSeconds: 60,
  chainDownloadMbps: 20,
  chainGraceHours: 24,
  chainStaleHours: 24,
  chainRecordsSeconds: 60,
  chainRecordsDevices: 'hashed',
  chainRecordsIps: false,
  chainRecordsSalt: null,
  storeName: null,
  platformLimits: {},
  douyinEnabled: false,
  douyinClientKey: null,
  douyinClientSecret: null,
  douyinApiBaseUrl: 'https://open.douyin.com',
  douyinVideoBaseUrl: null,
  reviewUrl: null,
  remixPoolMin: 3,
  remixPoolMax: 30,
  remixPoolLeadMinutes: 30,
  remixUsedKeepHours: 24,
  remixDiskMegabytes: 4096,
  remixRendition: '720p',
  remixNiceness: 19,
}

/** `lanPort` → `TAPDROP_LAN_PORT`. */
export function envName(key: ConfigKey): string {
  return 'TAPDROP_' + key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase()
}
