import { z } from 'zod'
import { method } from './define'
import { Empty } from './common'

/**
 * A chain of stores (issue 20): headquarters publishes to an S3-compatible object store, store hubs sync from it.
 * The configuration keys are flat, in the style of the others: the issue's `chain.role` is `chainRole` in
 * config.json and `TAPDROP_CHAIN_ROLE` in the environment, `chain.endpoint` is `chainEndpoint`, and so on
 * (README, "A chain of stores").
 */

/** `store`: today's hub, the default; `hq`: headquarters, which publishes for every store. */
export const ChainRoleSchema = z.enum(['store', 'hq'])
export type ChainRole = z.infer<typeof ChainRoleSchema>

/** The object store's base URL: scheme, host and port (a path-style or virtual-host bucket is added by the client). */
export const ChainEndpointSchema = z
  .string()
  .trim()
  .max(255, 'at most 255 characters')
  .refine((value) => {
    try {
      const u = new URL(value)
      return (
        (u.protocol === 'http:' || u.protocol === 'https:') &&
        !u.username &&
        !u.password &&
        !u.search &&
        !u.hash &&
        (u.pathname === '/' || u.pathname === '')
      )
    } catch {
      return false
    }
  }, 'must look like https://s3.example.com or http://192.168.1.5:7480 (scheme, host and port only)')
  .transform((value) => value.replace(/\/+$/, ''))

/** AWS-style region names and the names other stores use (oss-cn-hangzhou, ap-guangzhou, default). */
export const ChainRegionSchema = z
  .string()
  .trim()
  .regex(
    /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$/,
    'must be a region name like us-east-1, oss-cn-hangzhou or ap-guangzhou',
  )

/** S3's bucket naming rules (what every compatible store accepts): 3–63 lower-case letters, digits, dots, hyphens. */
export const ChainBucketSchema = z
  .string()
  .trim()
  .regex(
    /^(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    'must be a bucket name: 3–63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit',
  )
  .refine((v) => !v.includes('..'), 'must not hold two dots in a row')

/** Key pairs are printable ASCII without spaces (an access key id, a secret). */
const credential = (what: string, max: number) =>
  z
    .string()
    .trim()
    .min(1, `${what} must not be empty`)
    .max(max, `${what} has at most ${max} characters`)
    .regex(/^[\x21-\x7e]+$/, `${what} holds printable characters without spaces only`)

export const ChainAccessKeySchema = credential('an access key', 128)
export const ChainSecretKeySchema = credential('a secret key', 256)

/** A store's id goes into object keys (`records/<store>/…`): short, lower-case, stable. */
export const ChainStoreIdSchema = z
  .string()
  .trim()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,39}$/,
    'must be 1–40 lower-case letters, digits and hyphens, like sh-xujiahui-01',
  )

const ChainErrorSchema = z.object({ code: z.string(), message: z.string() })

/**
 * `tapdrop chain status --json` and the console's chain card. Later parts of the chain add their fields (a store's
 * catalog version and last sync, HQ's stores); these stay.
 */
export const ChainStatusSchema = z.object({
  role: ChainRoleSchema,
  /** Endpoint, bucket and keys all set: the hub uses the object store. */
  configured: z.boolean(),
  /** The settings still missing before the chain can be used (config keys), empty when configured. */
  missing: z.array(z.string()),
  endpoint: z.string().nullable(),
  region: z.string(),
  bucket: z.string().nullable(),
  pathStyle: z.boolean(),
  storeId: z.string().nullable(),
  storeName: z.string().nullable(),
  /** The access key id, masked (`AKIA…MPLE`); the secret is never sent. */
  accessKey: z.string().nullable(),
  /** The bucket answered with these keys just now (null when not configured). */
  reachable: z.boolean().nullable(),
  /** Why it is not reachable: one of the chain-* error codes and its message. */
  error: ChainErrorSchema.nullable(),
  checkedAt: z.string().nullable(),
})
export type ChainStatus = z.infer<typeof ChainStatusSchema>

export const chainContract = {
  'chain-status': method({ input: Empty, output: ChainStatusSchema, auth: 'user' }),
}
