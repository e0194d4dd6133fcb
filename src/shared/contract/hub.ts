import { TEXT } from './texts'
import { z } from 'zod'
import { method } from './define'
import { Empty, isBaseUrl, LanguageSchema } from './common'
import {
  ChainAccessKeySchema,
  ChainBucketSchema,
  ChainEndpointSchema,
  ChainRegionSchema,
  ChainRoleSchema,
  ChainSecretKeySchema,
  ChainStoreIdSchema,
} from './chain'
import {
  DouyinApiBaseUrlSchema,
  DouyinClientKeySchema,
  DouyinClientSecretSchema,
  DouyinVideoBaseUrlSchema,
} from './douyin'

const HOSTNAME =
  /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/

/** A listen address: an IPv4/IPv6 literal (0.0.0.0 = every interface) or a host name. */
export const HostSchema = z.union([z.ipv4(), z.ipv6(), z.string().regex(HOSTNAME)], {
  error: TEXT.host,
})

export const PortSchema = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535')

/**
 * The base URL written into tags, e.g. `http://192.168.1.20:8080`. Tags hold ~130 bytes on NTAG213, so it is kept
 * short: scheme, host and port only, at most 64 characters; a trailing slash is dropped.
 */
export const PublicUrlSchema = z
  .string()
  .trim()
  .max(64, 'at most 64 characters (it must fit on an NTAG213 tag with the tag code)')
  .refine(isBaseUrl, TEXT.publicUrl)
  .transform((value) => value.replace(/\/+$/, ''))

export const SettingSourceSchema = z.enum(['default', 'file', 'env', 'flag'])
export type SettingSource = z.infer<typeof SettingSourceSchema>

const Setting = <T extends z.ZodType>(value: T) => z.object({ value, source: SettingSourceSchema })

const MediaBinarySchema = z.object({
  path: z.string(),
  source: z.enum(['env', 'ffmpeg-static', 'packaged', 'path']),
  version: z.string().nullable(),
})

const RenditionTarget = z.enum(['1080p', '720p', '480p'])

export const SettingsViewSchema = z.object({
  quotaNormal: Setting(z.number()),
  quotaVip: Setting(z.number()),
  maxStreams: Setting(z.number()),
  queueMaxWaitSeconds: Setting(z.number()),
  renditionPhone: Setting(RenditionTarget),
  renditionTablet: Setting(RenditionTarget),
  renditionOther: Setting(RenditionTarget),
  tapRateLimitPerMinute: Setting(z.number()),
  /** HTTPS on the phone listener (certificate from config.json, env or flags; shown here, not edited). */
  tls: z.object({ subject: z.string(), validTo: z.string(), hosts: z.array(z.string()) }).nullable(),
  mdns: z.object({ enabled: z.boolean(), announced: z.boolean(), source: SettingSourceSchema }),
  nfc: Setting(z.boolean()),
  /** Store Wi-Fi for placement cards; the password is never sent back, only whether one is set. */
  wifi: z.object({
    ssid: z.string().nullable(),
    security: z.enum(['WPA', 'WEP', 'nopass']),
    passwordSet: z.boolean(),
  }),
  /** Base URLs tags were issued with, and whether phones can still reach this hub there. */
  tagBaseUrls: z.array(z.object({ baseUrl: z.string(), tags: z.number(), reachable: z.boolean() })),
  uploadMaxMegabytes: Setting(z.number()),
  uploadsPerDayStaff: Setting(z.number()),
  uploadsPerDayAdmin: Setting(z.number()),
  transcodeConcurrency: Setting(z.number()),
  retentionDays: Setting(z.number()),
  alertFailedTransfers: Setting(z.number()),
  alertQuotaRefusals: Setting(z.number()),
  diskLowMegabytes: Setting(z.number()),
  /** Which ffmpeg and ffprobe the hub found, and their versions. */
  media: z.object({
    ffmpeg: MediaBinarySchema.nullable(),
    ffprobe: MediaBinarySchema.nullable(),
    ladder: z.string(),
  }),
  lanHost: Setting(z.string()),
  lanPort: Setting(z.number()),
  publicUrl: Setting(z.string().nullable()),
  language: Setting(LanguageSchema),
  /** The URL that goes into new tags: publicUrl, or derived from the first LAN address and port. */
  effectivePublicUrl: z.string(),
  lanAddresses: z.array(
    z.object({ interface: z.string(), address: z.string(), family: z.enum(['IPv4', 'IPv6']) }),
  ),
  lanListening: z.string().nullable(),
  adminUrl: z.string(),
  /** The chain of stores (issue 20). The key pair is never sent back: the access key masked, the secret as set or not. */
  chainRole: Setting(ChainRoleSchema),
  chainEndpoint: Setting(z.string().nullable()),
  chainRegion: Setting(z.string()),
  chainBucket: Setting(z.string().nullable()),
  chainAccessKey: z.object({ masked: z.string().nullable(), source: SettingSourceSchema }),
  chainSecretKey: z.object({ set: z.boolean(), source: SettingSourceSchema }),
  chainPathStyle: Setting(z.boolean()),
  chainCaFile: Setting(z.string().nullable()),
  chainStoreId: Setting(z.string().nullable()),
  chainPollSeconds: Setting(z.number()),
  chainDownloadMbps: Setting(z.number()),
  chainGraceHours: Setting(z.number()),
  chainStaleHours: Setting(z.number()),
  /** "发布到抖音" (docs/douyin.md). The client secret is never sent back: only whether one is set, and from where. */
  douyinEnabled: Setting(z.boolean()),
  douyinClientKey: Setting(z.string().nullable()),
  douyinClientSecret: z.object({ set: z.boolean(), source: SettingSourceSchema }),
  douyinApiBaseUrl: Setting(z.string()),
  douyinVideoBaseUrl: Setting(z.string().nullable()),
})
export type SettingsView = z.infer<typeof SettingsViewSchema>

const count = (max: number) =>
  z.number().int('must be a whole number').min(0, 'must not be negative').max(max, `must be at most ${max}`)

export const SettingsUpdateSchema = z.strictObject({
  quotaNormal: count(100_000).optional(),
  quotaVip: count(100_000).optional(),
  maxStreams: count(1000).min(1, 'must be at least 1').optional(),
  queueMaxWaitSeconds: count(3600).min(10, 'must be at least 10').optional(),
  renditionPhone: RenditionTarget.optional(),
  renditionTablet: RenditionTarget.optional(),
  renditionOther: RenditionTarget.optional(),
  tapRateLimitPerMinute: count(100_000).optional(),
  mdns: z.boolean().optional(),
  nfc: z.boolean().optional(),
  wifiSsid: z.string().trim().min(1).max(32, 'at most 32 characters').nullable().optional(),
  wifiPassword: z.string().max(63, 'at most 63 characters').nullable().optional(),
  wifiSecurity: z.enum(['WPA', 'WEP', 'nopass']).optional(),
  uploadMaxMegabytes: count(64 * 1024)
    .min(1, 'must be at least 1')
    .optional(),
  uploadsPerDayStaff: count(100_000).optional(),
  uploadsPerDayAdmin: count(100_000).optional(),
  transcodeConcurrency: count(16).min(1, 'must be at least 1').optional(),
  retentionDays: count(3650).min(7, 'must be at least 7').optional(),
  alertFailedTransfers: count(100_000).optional(),
  alertQuotaRefusals: count(100_000).optional(),
  diskLowMegabytes: count(1024 * 1024).optional(),
  lanHost: HostSchema.optional(),
  lanPort: PortSchema.optional(),
  publicUrl: PublicUrlSchema.nullable().optional(),
  language: LanguageSchema.optional(),
  chainRole: ChainRoleSchema.optional(),
  /** null (an emptied field) turns the chain off at a store. */
  chainEndpoint: ChainEndpointSchema.nullable().optional(),
  chainRegion: ChainRegionSchema.optional(),
  chainBucket: ChainBucketSchema.nullable().optional(),
  chainAccessKey: ChainAccessKeySchema.nullable().optional(),
  chainSecretKey: ChainSecretKeySchema.nullable().optional(),
  chainPathStyle: z.boolean().optional(),
  chainCaFile: z.string().trim().min(1).max(4096).nullable().optional(),
  chainStoreId: ChainStoreIdSchema.nullable().optional(),
  chainPollSeconds: count(24 * 3600)
    .min(10, 'must be at least 10')
    .optional(),
  chainDownloadMbps: count(100_000).optional(),
  chainGraceHours: count(24 * 90)
    .min(1, 'must be at least 1')
    .optional(),
  chainStaleHours: count(24 * 90).optional(),
  douyinEnabled: z.boolean().optional(),
  douyinClientKey: DouyinClientKeySchema.nullable().optional(),
  douyinClientSecret: DouyinClientSecretSchema.nullable().optional(),
  douyinApiBaseUrl: DouyinApiBaseUrlSchema.optional(),
  douyinVideoBaseUrl: DouyinVideoBaseUrlSchema.nullable().optional(),
})
export type SettingsUpdate = z.infer<typeof SettingsUpdateSchema>

export const HubInfoSchema = z.object({
  productName: z.string(),
  version: z.string(),
  startedAt: z.string(),
  dataDir: z.string(),
  adminUrl: z.string(),
  lanUrl: z.string().nullable(),
  publicUrl: z.string(),
  databaseBytes: z.number(),
  /** Daily copies of the database in backups/: the newest, and how many are kept. */
  backups: z.object({
    latest: z.object({ file: z.string(), at: z.string() }).nullable(),
    kept: z.number(),
  }),
  users: z.object({ total: z.number(), active: z.number() }),
  node: z.string(),
  shell: z.enum(['electron', 'headless']),
})
export type HubInfo = z.infer<typeof HubInfoSchema>

export const hubContract = {
  'hub-info': method({ input: Empty, output: HubInfoSchema, auth: 'user' }),
  'settings-get': method({ input: Empty, output: SettingsViewSchema, auth: 'user' }),
  'settings-update': method({ input: SettingsUpdateSchema, output: SettingsViewSchema, auth: 'user' }),
}
