import type { ChainRole } from '../../../shared/contract/chain'
import type { Config, ConfigKey } from '../config/schema'

/** Everything needed to reach the object store. Holds the secret: never logged, never sent to a client. */
export interface ChainConnection {
  endpoint: string
  region: string
  bucket: string
  accessKeyId: string
  secretAccessKey: string
  /** `https://endpoint/bucket/key` (Ceph RGW, MinIO) rather than `https://bucket.endpoint/key` (OSS, COS, AWS). */
  pathStyle: boolean
  /** A PEM file of the CA that signed the store's certificate (a private CA); public CAs are trusted anyway. */
  caFile: string | null
}

export interface ChainSetup {
  role: ChainRole
  /** Null while endpoint, bucket or a key is missing. */
  connection: ChainConnection | null
  /** Settings still needed before the chain works (config keys), e.g. chainStoreId at a store. */
  missing: ConfigKey[]
  storeId: string | null
  storeName: string | null
  pollSeconds: number
}

/** The config keys of the chain, in the order the README and the Settings page show them. */
export const CHAIN_KEYS = [
  'chainRole',
  'chainEndpoint',
  'chainRegion',
  'chainBucket',
  'chainAccessKey',
  'chainSecretKey',
  'chainPathStyle',
  'chainCaFile',
  'chainStoreId',
  'chainPollSeconds',
] as const satisfies readonly ConfigKey[]

/** Config keys whose values are secrets: never in logs, API answers or the audit log. */
export const CHAIN_SECRET_KEYS = ['chainSecretKey'] as const satisfies readonly ConfigKey[]

/**
 * What the chain settings amount to. Without any of them a store hub is what it always was (no chain, nothing
 * missing); once one is set, or at HQ, the rest are named until they are there.
 */
export function chainSetup(c: Readonly<Config>): ChainSetup {
  const base = {
    role: c.chainRole,
    storeId: c.chainStoreId,
    // The store's one name (Settings → Publishing, also {门店} in captions).
    storeName: c.storeName,
    pollSeconds: c.chainPollSeconds,
  }
  const needed: Array<[ConfigKey, unknown]> = [
    ['chainEndpoint', c.chainEndpoint],
    ['chainBucket', c.chainBucket],
    ['chainAccessKey', c.chainAccessKey],
    ['chainSecretKey', c.chainSecretKey],
  ]
  const untouched = needed.every(([, v]) => v === null) && c.chainStoreId === null
  if (c.chainRole === 'store' && untouched) return { ...base, connection: null, missing: [] }
  const missing = needed.filter(([, v]) => v === null).map(([k]) => k)
  if (c.chainRole === 'store' && c.chainStoreId === null) missing.push('chainStoreId')
  const connection =
    c.chainEndpoint && c.chainBucket && c.chainAccessKey && c.chainSecretKey
      ? {
          endpoint: c.chainEndpoint,
          region: c.chainRegion,
          bucket: c.chainBucket,
          accessKeyId: c.chainAccessKey,
          secretAccessKey: c.chainSecretKey,
          pathStyle: c.chainPathStyle,
          caFile: c.chainCaFile,
        }
      : null
  return { ...base, connection, missing }
}

/** An access key id as it may be shown: its first and last four characters (`AKIA…MPLE`), or less if short. */
export function maskAccessKey(key: string | null): string | null {
  if (key === null) return null
  if (key.length <= 8) return '****'
  return `${key.slice(0, 4)}…${key.slice(-4)}`
}
