import type { Logger } from 'pino'
import type { ChainStatus } from '../../../shared/contract/chain'
import { requireRole, type CallContext } from '../auth/actor'
import type { ConfigStore } from '../config/store'
import { HubError } from '../errors'
import { ObjectStoreError, type ObjectStore } from './object-store'
import { CHAIN_KEYS, chainSetup, maskAccessKey, type ChainConnection, type ChainSetup } from './settings'

/** Builds the object store for a connection (app/ passes the S3 one); may throw an ObjectStoreError (a bad CA file). */
export type ObjectStoreFactory = (connection: ChainConnection) => ObjectStore

export interface ChainServiceOptions {
  config: ConfigStore
  openStore: ObjectStoreFactory
  logger: Logger
  /** Longest wait for the bucket to answer in status(). Default 5 s. */
  probeTimeoutMs?: number
}

/**
 * The chain's foundation in the hub: what the chain settings amount to, and the one object store built from them
 * (rebuilt when a chain setting changes). Publishing, sync and records (later parts of issues 20 and 21) take the
 * store from here with `store()`, and add their fields to `status()`.
 */
export class ChainService {
  private current: { store: ObjectStore; connection: ChainConnection } | null = null
  private readonly unsubscribe: () => void

  constructor(private readonly options: ChainServiceOptions) {
    this.unsubscribe = options.config.onChange((changed) => {
      if (changed.some((k) => (CHAIN_KEYS as readonly string[]).includes(k))) this.drop()
    })
  }

  setup(): ChainSetup {
    return chainSetup(this.options.config.values)
  }

  /** The object store, or `chain-not-configured` naming the settings still missing. */
  store(): ObjectStore {
    const setup = this.setup()
    if (!setup.connection)
      throw new HubError(
        'chain-not-configured',
        `the chain is not configured: set ${setup.missing.join(', ') || 'chainEndpoint, chainBucket, chainAccessKey, chainSecretKey'}`,
        { missing: setup.missing },
      )
    if (!this.current) {
      this.current = { store: this.options.openStore(setup.connection), connection: setup.connection }
      this.options.logger.info(
        {
          role: setup.role,
          location: this.current.store.location,
          region: setup.connection.region,
          pathStyle: setup.connection.pathStyle,
          accessKey: maskAccessKey(setup.connection.accessKeyId),
        },
        'chain object store',
      )
    }
    return this.current.store
  }

  /** Role, where the store is, and whether the bucket answers right now (one HEAD, bounded). */
  async status(ctx: CallContext): Promise<ChainStatus> {
    requireRole(ctx, 'viewer')
    const setup = this.setup()
    const c = this.options.config.values
    const base: ChainStatus = {
      role: setup.role,
      configured: setup.connection !== null && setup.missing.length === 0,
      missing: setup.missing,
      endpoint: c.chainEndpoint,
      region: c.chainRegion,
      bucket: c.chainBucket,
      pathStyle: c.chainPathStyle,
      storeId: setup.storeId,
      storeName: setup.storeName,
      accessKey: maskAccessKey(c.chainAccessKey),
      reachable: null,
      error: null,
      checkedAt: null,
    }
    if (!setup.connection) return base
    const checkedAt = new Date().toISOString()
    try {
      await this.store().probe(AbortSignal.timeout(this.options.probeTimeoutMs ?? 5000))
      return { ...base, reachable: true, checkedAt }
    } catch (err) {
      const e =
        err instanceof HubError
          ? { code: err.code, message: err.message }
          : (err as Error).name === 'TimeoutError'
            ? {
                code: 'chain-unreachable',
                message: `no answer from ${c.chainEndpoint} within the time allowed`,
              }
            : { code: 'internal-error', message: 'internal error' }
      if (!(err instanceof ObjectStoreError) && (err as Error).name !== 'TimeoutError')
        this.options.logger.error({ err }, 'chain status check failed')
      return { ...base, reachable: false, error: e, checkedAt }
    }
  }

  private drop(): void {
    this.current?.store.close()
    this.current = null
  }

  stop(): void {
    this.unsubscribe()
    this.drop()
  }
}
