import { chmodSync, mkdirSync, statSync } from 'node:fs'
import type { Logger } from 'pino'
import { APP_VERSION } from '../../shared/version'
import type { HubInfo } from '../../shared/contract/hub'
import { AdminServer } from '../admin/server'
import { closeDatabase, openDatabase } from '../db/open'
import { createRepos, type Repos } from '../db/repos'
import { requireRole, type CallContext } from '../core/auth/actor'
import { loadConfig } from '../core/config/load'
import { ConfigStore } from '../core/config/store'
import { HubError } from '../core/errors'
import { createLogSink, type LogSink } from '../core/logger'
import { dataPaths, defaultDataDir, type DataPaths } from '../core/paths'
import { removeRunFile, runningHub, writeRunFile } from '../core/runfile'
import { adminRouters } from './admin-routers'
import { checkDatabaseOnce } from './database-check'
import { buildHandlers } from './handlers'
import { hubInfo } from './hub-info'
import type { HubOptions, HubStarted } from './options'
import { phoneTls, type PhoneListener } from './phone-listener'
import { buildServices, findMediaTools, type HubServices } from './services'

export type { HubOptions, HubStarted } from './options'
export type { HubServices } from './services'

interface Running {
  sink: LogSink
  logger: Logger
  repos: Repos
  admin: AdminServer
  phones: PhoneListener
  services: HubServices
  timers: NodeJS.Timeout[]
  /** The start-up read of the whole file, if it has started. */
  databaseCheck?: { stop(): Promise<void> }
}

/**
 * The hub: everything TapDrop does, without Electron. The desktop app and `tapdrop hub` both create one and call
 * start()/stop(). It is the composition root: services are built once (./services.ts) and handed to whoever needs
 * them; the domain code under core/ knows nothing of the listeners, the CLI or the shell.
 */
export class Hub {
  readonly paths: DataPaths
  readonly config: ConfigStore
  private running: Running | null = null
  private stopping: Promise<void> | null = null
  private startedAt = new Date()

  constructor(private readonly options: HubOptions = {}) {
    this.paths = dataPaths(options.dataDir ?? defaultDataDir(options.env))
    this.config = new ConfigStore(
      loadConfig({
        file: options.configFile ?? this.paths.config,
        env: options.env ?? process.env,
        flags: options.flags ?? {},
      }),
    )
  }

  get services(): HubServices {
    if (!this.running) throw new Error('hub is not running')
    return this.running.services
  }

  get logger(): Logger {
    if (!this.running) throw new Error('hub is not running')
    return this.running.logger
  }

  get repos(): Repos {
    if (!this.running) throw new Error('hub is not running')
    return this.running.repos
  }

  async start(): Promise<HubStarted> {
    if (this.running) throw new Error('hub already started')
    const { paths } = this
    mkdirSync(paths.root, { recursive: true, mode: 0o700 })
    if ((statSync(paths.root).mode & 0o077) !== 0 && process.platform !== 'win32')
      chmodSync(paths.root, 0o700)
    const other = await runningHub(paths.runFile)
    if (other)
      throw new HubError(
        'conflict',
        `a TapDrop hub is already running for ${paths.root} (pid ${other.pid}, ${other.adminUrl})`,
      )

    const c = this.config.values
    const sink = await createLogSink({
      dir: paths.logs,
      level: c.logLevel,
      maxMegabytes: c.logMaxMegabytes,
      files: c.logFiles,
      console: this.options.console ?? false,
    })
    const logger = sink.logger.child({ scope: 'hub' })
    try {
      return await this.startWith(sink, logger)
    } catch (err) {
      logger.error({ err }, 'hub failed to start')
      await this.teardown()
      await sink.close()
      throw err
    }
  }

  private async startWith(sink: LogSink, logger: Logger): Promise<HubStarted> {
    const { paths } = this
    const c = this.config.values
    const scoped = (scope: string) => sink.logger.child({ scope })
    const tls = phoneTls(this.config, logger)
    const { db } = openDatabase(paths.database, { backupsDir: paths.backups, logger: scoped('db') })
    const repos = createRepos(db)
    const media = await findMediaTools(this.options, logger)
    const { services, phones } = buildServices({
      config: this.config,
      paths,
      options: this.options,
      repos,
      media,
      tls,
      logger: scoped,
      adminUrl: () => this.running?.admin.url ?? '',
    })
    const s = services
    logger.info({ brand: s.brand.current().id }, 'brand')
    const adminLogger = scoped('admin')
    const admin = new AdminServer({
      handlers: buildHandlers(s, (ctx) => this.info(ctx)),
      auth: s.auth,
      events: s.events,
      logger: adminLogger,
      rendererDir: this.options.rendererDir ?? null,
      extraHosts: () => this.config.values.allowedAdminHosts,
      snapshot: () => ({ live: s.delivery.liveTransfers(), queue: s.delivery.status() }),
      routers: adminRouters(s, adminLogger),
    })
    const running: Running = { sink, logger, repos, admin, phones, services, timers: [] }
    this.running = running

    const adminUrl = await admin.listen(c.adminHost, c.adminPort)
    s.delivery.start()
    s.captions.start()
    s.funnel.start()
    await phones.listen(logger)
    // Before the queue: an ffmpeg a killed hub left rendering is ended and its work folder removed first.
    s.pools.start()
    s.queue.start()
    s.chainQueue.start()
    s.notifications.start()
    running.databaseCheck = checkDatabaseOnce(paths.database, logger, s.notifications)
    s.retention.start()
    s.backups.start()
    if (c.nfc) s.nfc.start()
    s.chainSync.start()
    s.chainHq.start()
    s.recordsOutbox.start()
    s.recordsIngest.start()
    const purge = setInterval(() => s.auth.purgeExpiredSessions(), 3_600_000)
    purge.unref()
    running.timers.push(purge)

    this.startedAt = new Date()
    writeRunFile(paths.runFile, paths.run, {
      pid: process.pid,
      adminUrl,
      lanUrl: phones.url(),
      token: s.auth.localToken,
      startedAt: this.startedAt.toISOString(),
      version: APP_VERSION,
    })
    const setupToken = s.auth.issueSetupToken()
    const chain = s.chain.setup()
    const chainLocation = chain.connection
      ? `bucket ${chain.connection.bucket} at ${chain.connection.endpoint}`
      : null
    if (chain.role === 'hq' || chain.connection || chain.missing.length)
      logger.info({ role: chain.role, location: chainLocation, missing: chain.missing }, 'chain')
    logger.info(
      {
        adminUrl,
        lanUrl: phones.url(),
        dataDir: paths.root,
        version: APP_VERSION,
        setupRequired: setupToken !== null,
      },
      'hub started',
    )
    return {
      adminUrl,
      lanUrl: phones.url(),
      lanError: phones.error,
      publicUrl: phones.publicUrl(),
      // The token rides in the fragment: browsers never send it to any server, so it cannot land in a log.
      setupUrl: setupToken ? `${adminUrl}/setup#token=${setupToken}` : null,
      dataDir: paths.root,
      chain: { role: chain.role, location: chainLocation, missing: chain.missing },
    }
  }

  /** The one-time first-run token, for the Electron window's own setup form. */
  setupToken(): string | null {
    return this.running?.services.auth.issueSetupToken() ?? null
  }

  info(ctx: CallContext): HubInfo {
    requireRole(ctx, 'viewer')
    const r = this.running!
    return hubInfo({
      paths: this.paths,
      services: r.services,
      repos: r.repos,
      phones: r.phones,
      adminUrl: r.admin.url,
      startedAt: this.startedAt,
      shell: this.options.shell ?? 'headless',
    })
  }

  /** Stops taking requests, lets those in flight finish, closes the database, removes the run file. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const r = this.running
      if (!r) return
      r.logger.info('hub stopping')
      await this.teardown()
      r.logger.info('hub stopped')
      await r.sink.close()
    })()
    return this.stopping
  }

  private async teardown(): Promise<void> {
    const r = this.running
    if (!r) return
    const s = r.services
    for (const t of r.timers) clearInterval(t)
    r.phones.mdns.stop()
    s.notifications.stop()
    await r.databaseCheck?.stop()
    await s.retention.stop()
    await s.backups.stop()
    await s.nfc.stop()
    await s.chainSync.stop()
    await s.chainHq.stop()
    await s.recordsOutbox.stop()
    await s.recordsIngest.stop()
    s.chain.stop()
    await Promise.allSettled([r.admin.close(), r.phones.close()])
    // Byte counts of the last second, caption uses and funnel steps are saved before the database closes.
    await s.delivery.stop()
    s.captions.stop()
    s.funnel.stop()
    s.pools.stop()
    // Transcodes are cut off and stay queued: the next start runs them again from a clean state.
    await s.queue.stop()
    await s.chainQueue.stop()
    try {
      closeDatabase(r.repos.db)
    } catch (err) {
      r.logger.error({ err }, 'closing the database failed')
    }
    removeRunFile(this.paths.runFile)
    this.running = null
  }
}
