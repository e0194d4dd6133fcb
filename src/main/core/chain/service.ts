import type { Logger } from 'pino'
import type { ChainBaseStatus } from '../../../shared/contract/chain'
import { requireRole, type CallContext } from '../auth/actor'
import type { ConfigStore } from '../config/store'
import { HubError } from '../errors'
import { ObjectStoreError, type ObjectStore } from './object-store'
import { CHAIN_KEYS, chainSetup, maskAccessKey, type ChainConnection, type ChainSetup } from './settings'

/**
 * Builds the object store for a connection (app/ passes the S3 one, loaded on first use: a hub without a chain never
 * loads the S3 library); may reject with an ObjectStoreError (a bad CA file).
 */
export type ObjectStoreFactory = (connection: ChainConnection) => Promise<ObjectStore>

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
  private current: Promise<ObjectStore> | null = null
  private readonly unsubscribe: () => void

  constructor(private readonly options: ChainServiceOptions) {
    this.unsubscribe = options.config.onChange((changed) => {
      if (changed.some((k) => (CHAIN_KEYS as readonly string[]).includes(k))) this.drop()
    })
  }

  setup(): ChainSetup {
    return chainSetup(this.options.config.values)
  }

  /**
   * The object store for the settings in effect (the same one until a chain setting changes), or
   * `chain-not-configured` naming the settings still missing.
   */
  async store(): Promise<ObjectStore> {
    const setup = this.setup()
    const connection = setup.connection
    if (!connection)
      throw new HubError(
        'chain-not-configured',
        `the chain is not configured: set ${setup.missing.join(', ') || 'chainEndpoint, chainBucket, chainAccessKey, chainSecretKey'}`,
        { missing: setup.missing },
      )
    if (!this.current) {
      const building = this.options.openStore(connection).then((store) => {
        this.options.logger.info(
          {
            role: setup.role,
            location: store.location,
            region: connection.region,
            pathStyle: connection.pathStyle,
            accessKey: maskAccessKey(connection.accessKeyId),
          },
          'chain object store',
        )
        return store
      })
      this.current = building
      // A store that could not be built (an unreadable CA file) is tried again next time.
      building.catch(() => {
        if (this.current === building) this.current = null
      })
    }
    return this.current
  }

  /** Role, where the store is, and whether the bucket answers right now (one HEAD, bounded). */
  async status(ctx: CallContext): Promise<ChainBaseStatus> {
    requireRole(ctx, 'viewer')
    const setup = this.setup()
    const c = this.options.config.values
    const base: ChainBaseStatus = {
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
      await (await this.store()).probe(AbortSignal.timeout(this.options.probeTimeoutMs ?? 5000))
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
    const current = this.current
    this.current = null
    current?.then((store) => store.close()).catch(() => {})
  }

  stop(): void {
    this.unsubscribe()
    this.drop()
  }
}
