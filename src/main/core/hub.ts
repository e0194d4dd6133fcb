import { chmodSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from 'pino'
import { APP_VERSION } from '../../shared/version'
import type { HubInfo } from '../../shared/contract/hub'
import { AdminServer } from '../admin/server'
import { LanServer } from '../lan/server'
import { closeDatabase, openDatabase } from '../db/open'
import { checkIntegrity } from '../db/integrity'
import { createRepos, type Repos } from '../db/repos'
import { AuditService } from './audit/service'
import { auditHandlers } from './audit/handlers'
import { AuthService } from './auth/service'
import { authHandlers } from './auth/handlers'
import { requireRole, type CallContext } from './auth/actor'
import type { Brand } from './brand/brand'
import { BrandService, findBuiltinBrands } from './brand/service'
import { brandHandlers } from './brand/handlers'
import { brandRouter } from '../admin/brand'
import { tapPage } from '../lan/pages/tap'
import { describeDevice } from './delivery/device'
import { loadConfig } from './config/load'
import { ConfigStore } from './config/store'
import type { ConfigKey } from './config/schema'
import { ConfigError, HubError } from './errors'
import { EventBus } from './events/bus'
import { mergeHandlers } from './handlers'
import { createLogSink, type LogSink } from './logger'
import { effectivePublicUrl, originFor } from './network/addresses'
import { MdnsAnnouncer } from './network/mdns'
import { DeliveryService } from './delivery/service'
import { transfersHandlers } from './delivery/handlers'
import { TagsService, reachableOrigins } from './tags/service'
import { tagsHandlers } from './tags/handlers'
import { loadTls } from '../lan/tls'
import { dataPaths, defaultDataDir, type DataPaths } from './paths'
import { removeRunFile, runningHub, writeRunFile } from './runfile'
import { SettingsService } from './settings/service'
import { settingsHandlers } from './settings/handlers'
import { UsersService } from './users/service'
import { usersHandlers } from './users/handlers'
import { resolveMediaBinaries, type MediaBinaries } from './media/binaries'
import { JobQueue } from './jobs/queue'
import { VideoStorage } from './videos/storage'
import { TRANSCODE_JOB, VideoService } from './videos/service'
import { videosHandlers } from './videos/handlers'
import { uploadRouter } from '../admin/upload'
import { mediaRouter } from '../admin/media'
import { NfcService } from '../nfc/service'
import { TagProvisioner } from '../nfc/provisioning'
import { BatchRunner } from '../nfc/batch'
import { nfcHandlers } from '../nfc/handlers'
import { labelsRouter } from '../admin/labels'
import { transfersCsvRouter } from '../admin/transfers-csv'
import { DashboardService } from './monitoring/dashboard'
import { HistoryService } from './monitoring/history'
import { NotificationService } from './monitoring/notifications'
import { Retention } from './monitoring/retention'
import { DailyBackups } from './backup/daily'
import { monitoringHandlers } from './monitoring/handlers'

const PREVIEW_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1'

/**
 * The preview is shown in a sandboxed frame of the console, which cannot fetch from the hub: its logo goes inline.
 */
function inlineLogo(brand: Brand, html: string): string {
  const url = brand.logoUrl
  if (!url || !brand.logoPath) return html
  const type = brand.logoPath.endsWith('.svg') ? 'image/svg+xml' : 'image/png'
  return html.replace(url, `data:${type};base64,${readFileSync(brand.logoPath).toString('base64')}`)
}

export interface HubOptions {
  /** Defaults to the per-OS application-data folder. */
  dataDir?: string
  /** Defaults to <dataDir>/config.json. */
  configFile?: string
  flags?: Partial<Record<ConfigKey, unknown>>
  env?: NodeJS.ProcessEnv
  /** Print readable log lines on stderr as well as to the log files. */
  console?: boolean
  shell?: 'electron' | 'headless'
  /** The built admin console (out/renderer); null serves a "not built" notice. */
  rendererDir?: string | null
  /** Brand profiles shipped with the app; by default resources/brands found above the code. */
  brandsDir?: string
  /** The brand a packaged desktop app was built for (its package.json `tapdropBrand`). */
  defaultBrand?: string
  /** The NFC worker script (tests and the packaged app); by default found next to the built code. */
  nfcWorker?: { path: string; execArgv: string[] }
}

export interface HubStarted {
  adminUrl: string
  lanUrl: string | null
  lanError: string | null
  publicUrl: string
  /** Present on first run only: the one-time link that creates the owner account. */
  setupUrl: string | null
  dataDir: string
}

interface Running {
  sink: LogSink
  logger: Logger
  repos: Repos
  admin: AdminServer
  lan: LanServer
  services: HubServices
  queue: JobQueue
  delivery: DeliveryService
  mdns: MdnsAnnouncer
  nfc: NfcService
  notifications: NotificationService
  retention: Retention
  backups: DailyBackups
  timers: NodeJS.Timeout[]
}

export interface HubServices {
  config: ConfigStore
  events: EventBus
  audit: AuditService
  auth: AuthService
  users: UsersService
  settings: SettingsService
  videos: VideoService
  queue: JobQueue
  media: MediaBinaries
  tags: TagsService
  delivery: DeliveryService
  nfc: NfcService
  provisioner: TagProvisioner
  batches: BatchRunner
  brand: BrandService
  dashboard: DashboardService
  history: HistoryService
  notifications: NotificationService
  retention: Retention
  backups: DailyBackups
}

/**
 * The hub: everything TapDrop does, without Electron. The desktop app and `tapdrop hub` both create one and call
 * start()/stop(). Services are built here, once, and handed to whoever needs them.
 */
export class Hub {
  readonly paths: DataPaths
  readonly config: ConfigStore
  private running: Running | null = null
  private stopping: Promise<void> | null = null
  private startedAt = new Date()
  private lanError: string | null = null

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
    // HTTPS material is checked before anything opens, so a bad certificate stops the start with its reason.
    if (Boolean(c.lanTlsCert) !== Boolean(c.lanTlsKey))
      throw new ConfigError(['lanTlsCert and lanTlsKey go together: set both or neither'])
    const tls = c.lanTlsCert && c.lanTlsKey ? loadTls(c.lanTlsCert, c.lanTlsKey) : null
    if (tls)
      logger.info(
        { subject: tls.subject, validTo: tls.validTo.toISOString(), hosts: tls.hosts },
        'HTTPS on the phone listener',
      )

    const { db } = openDatabase(paths.database, { backupsDir: paths.backups, logger: scoped('db') })
    const repos = createRepos(db)
    const events = new EventBus()
    const audit = new AuditService(repos.audit)
    const auth = new AuthService(
      repos,
      audit,
      () => ({
        idleMinutes: this.config.values.sessionIdleMinutes,
        maxDays: this.config.values.sessionMaxDays,
      }),
      scoped('auth'),
    )
    const users = new UsersService(repos, audit, events, scoped('users'))
    const brandService = new BrandService({
      config: this.config,
      audit,
      events,
      logger: scoped('brand'),
      builtinDir: this.options.brandsDir ?? findBuiltinBrands(__dirname),
      importedDir: join(paths.root, 'brands'),
      overridesFile: join(paths.root, 'brand-overrides.json'),
      ...(this.options.defaultBrand ? { defaultBrand: this.options.defaultBrand } : {}),
    })
    const brand = (): Brand => brandService.current()
    logger.info({ brand: brand().id }, 'brand')

    // Tests pass a bare env to keep TAPDROP_* out; binaries are still looked up on the real PATH.
    const media = await resolveMediaBinaries(
      this.options.env ? { PATH: process.env.PATH, ...this.options.env } : process.env,
    )
    if (!media.ffmpeg || !media.ffprobe)
      logger.warn(
        { ffmpeg: media.ffmpeg?.path ?? null, ffprobe: media.ffprobe?.path ?? null },
        'ffmpeg/ffprobe missing: uploads will be refused',
      )
    else
      logger.info(
        {
          ffmpeg: `${media.ffmpeg.path} (${media.ffmpeg.source})`,
          ffprobe: `${media.ffprobe.path} (${media.ffprobe.source})`,
        },
        'media tools',
      )
    const notifications = new NotificationService({
      repos,
      events,
      logger: scoped('notify'),
      dataDir: paths.root,
      settings: () => {
        const v = this.config.values
        return {
          failedTransfers: v.alertFailedTransfers,
          quotaRefusals: v.alertQuotaRefusals,
          diskLowMegabytes: v.diskLowMegabytes,
        }
      },
    })
    const retention = new Retention({
      repos,
      logger: scoped('retention'),
      retentionDays: () => this.config.values.retentionDays,
    })
    const backups = new DailyBackups({
      database: paths.database,
      dir: paths.backups,
      logger: scoped('backup'),
      keepDays: () => this.config.values.backupDays,
      minFreeBytes: () => this.config.values.minFreeDiskMegabytes * 1024 * 1024,
    })
    const storage = new VideoStorage(paths, scoped('storage'))
    const videos = new VideoService({
      repos,
      storage,
      config: this.config,
      audit,
      events,
      logger: scoped('videos'),
      media: () => media,
      tagsUsing: (videoId) => repos.tags.countUsingVideo(videoId),
    })
    storage.reconcile(repos.videos)
    repos.videos.resetProcessing(Date.now())
    const queue = new JobQueue({
      repo: repos.jobs,
      handlers: { [TRANSCODE_JOB]: (ctx) => videos.transcode(ctx) },
      concurrency: () => this.config.values.transcodeConcurrency,
      retryBaseMs: () => this.config.values.jobRetryBaseSeconds * 1000,
      logger: scoped('jobs'),
      onEvent: (e) => {
        if (e.type !== 'state') return videos.onJobProgress(e.job, e.progress)
        videos.onJobState(e.job)
        if (e.job.status === 'failed' && e.job.videoId !== null) {
          const v = repos.videos.findById(e.job.videoId)
          if (v) notifications.transcodeFailed(v.id, v.title, e.job.error)
        }
      },
    })
    videos.attachQueue(queue)

    const delivery = new DeliveryService({
      repos,
      config: this.config,
      events,
      storage,
      logger: scoped('delivery'),
      onFailed: () => notifications.transferFailed(),
      onQuotaRefused: () => notifications.quotaRefused(),
    })
    const lan = new LanServer({
      logger: scoped('lan'),
      brand,
      defaultLanguage: () => this.config.values.language,
      delivery,
      tls: () => tls,
      connectionsPerTransfer: () => this.config.values.mediaConnectionsPerTransfer,
    })
    const scheme = tls ? 'https' : 'http'
    const publicUrl = () => {
      const v = this.config.values
      return effectivePublicUrl(v.publicUrl, v.lanHost, lan.listening?.port ?? v.lanPort, undefined, scheme)
    }
    const tags = new TagsService({
      repos,
      audit,
      events,
      logger: scoped('tags'),
      publicUrl,
      reachableOrigins: () =>
        reachableOrigins(publicUrl(), scheme, this.config.values.lanHost, lan.listening?.port ?? null),
    })
    // The tap path caches tags and titles; any edit clears the cache.
    events.subscribe(() => delivery.invalidate(), ['tags-changed', 'videos-changed'])
    const mdns = new MdnsAnnouncer(scoped('mdns'))
    const announce = () => {
      const l = lan.listening
      if (this.config.values.mdns && l && l.host !== '127.0.0.1' && l.host !== '::1')
        mdns.announce(l.port, l.scheme, brand().shortName)
      else mdns.stop()
    }

    const nfc = new NfcService({
      logger: scoped('nfc'),
      onStatus: (status) => events.emit({ type: 'nfc', status }),
      ...(this.options.nfcWorker ? { worker: this.options.nfcWorker } : {}),
      env: this.options.env ?? process.env,
    })
    const provisioner = new TagProvisioner({ nfc, tags, logger: scoped('nfc') })
    const batches = new BatchRunner({
      nfc,
      tags,
      provisioner,
      logger: scoped('nfc'),
      onChange: (batch) => events.emit({ type: 'nfc-batch', batch }),
    })

    const dashboard = new DashboardService({ repos, delivery, nfc: () => nfc.status(), dataDir: paths.root })
    const history = new HistoryService({ repos, delivery })

    let admin: AdminServer | null = null
    const settings = new SettingsService(this.config, repos, audit, events, {
      adminUrl: () => admin?.url ?? '',
      lanListening: () => this.lanUrl(lan),
      lanPort: () => lan.listening?.port ?? null,
      rebindLan: async (host, port) => {
        await lan.rebind(host, port)
        this.lanError = null
        announce()
      },
      media: () => media,
      publicUrl,
      tagBaseUrls: () => tags.baseUrlReport(),
      tls: () =>
        tls ? { subject: tls.subject, validTo: tls.validTo.toISOString(), hosts: tls.hosts } : null,
      mdns: () => mdns.published,
      announce,
      setNfc: async (on) => {
        if (on) nfc.start()
        else await nfc.stop()
      },
    })
    const services: HubServices = {
      config: this.config,
      events,
      audit,
      auth,
      users,
      settings,
      videos,
      queue,
      media,
      tags,
      delivery,
      nfc,
      provisioner,
      batches,
      brand: brandService,
      dashboard,
      history,
      notifications,
      retention,
      backups,
    }
    const handlers = mergeHandlers(
      authHandlers(auth, {
        language: () => this.config.values.language,
        productName: () => brand().productName[this.config.values.language],
      }),
      usersHandlers(users),
      auditHandlers(audit),
      settingsHandlers(settings, (ctx) => this.info(ctx)),
      videosHandlers(videos),
      tagsHandlers(tags),
      transfersHandlers(delivery),
      nfcHandlers(nfc, provisioner, batches),
      monitoringHandlers(dashboard, history, notifications),
      brandHandlers(brandService, (patch, lang) =>
        inlineLogo(
          brandService.draft(patch),
          tapPage({
            lang,
            brand: brandService.draft(patch),
            token: 'preview-preview-preview0',
            title: lang === 'en' ? 'New arrivals' : '春季新品',
            downloadName: 'preview.mp4',
            position: 0,
            device: describeDevice(PREVIEW_UA),
          }),
        ),
      ),
    )
    const adminLogger = scoped('admin')
    admin = new AdminServer({
      handlers,
      auth,
      events,
      logger: adminLogger,
      rendererDir: this.options.rendererDir ?? null,
      extraHosts: () => this.config.values.allowedAdminHosts,
      snapshot: () => ({ live: delivery.liveTransfers(), queue: delivery.status() }),
      routers: [
        brandRouter({ brand: brandService, auth, logger: adminLogger }),
        transfersCsvRouter({
          history,
          auth,
          logger: adminLogger,
          language: () => this.config.values.language,
        }),
        uploadRouter(videos, storage, auth, adminLogger),
        mediaRouter(videos, auth, adminLogger),
        labelsRouter({
          tags,
          auth,
          logger: adminLogger,
          brand,
          language: () => this.config.values.language,
          wifi: () => {
            const v = this.config.values
            return v.wifiSsid
              ? { ssid: v.wifiSsid, password: v.wifiPassword, security: v.wifiSecurity }
              : null
          },
        }),
      ],
    })
    this.running = {
      sink,
      logger,
      repos,
      admin,
      lan,
      services,
      queue,
      delivery,
      mdns,
      nfc,
      notifications,
      retention,
      backups,
      timers: [],
    }

    const adminUrl = await admin.listen(c.adminHost, c.adminPort)
    delivery.start()
    try {
      await lan.listen(c.lanHost, c.lanPort)
      this.lanError = null
      announce()
    } catch (err) {
      // The console still starts so the owner can pick another port in Settings.
      this.lanError = (err as Error).message
      logger.error({ err }, 'LAN listener not started')
    }
    queue.start()
    notifications.start()
    this.checkDatabase(paths.database, logger, notifications)
    retention.start()
    backups.start()
    if (c.nfc) nfc.start()
    const purge = setInterval(() => auth.purgeExpiredSessions(), 3_600_000)
    purge.unref()
    this.running.timers.push(purge)

    this.startedAt = new Date()
    writeRunFile(paths.runFile, paths.run, {
      pid: process.pid,
      adminUrl,
      lanUrl: this.lanUrl(lan),
      token: auth.localToken,
      startedAt: this.startedAt.toISOString(),
      version: APP_VERSION,
    })
    const setupToken = auth.issueSetupToken()
    logger.info(
      {
        adminUrl,
        lanUrl: this.lanUrl(lan),
        dataDir: paths.root,
        version: APP_VERSION,
        setupRequired: setupToken !== null,
      },
      'hub started',
    )
    return {
      adminUrl,
      lanUrl: this.lanUrl(lan),
      lanError: this.lanError,
      publicUrl: publicUrl(),
      // The token rides in the fragment: browsers never send it to any server, so it cannot land in a log.
      setupUrl: setupToken ? `${adminUrl}/setup#token=${setupToken}` : null,
      dataDir: paths.root,
    }
  }

  /**
   * Reads the whole database file once after each start, off the main thread (db/integrity.ts): damage otherwise
   * shows only as errors on whatever screen reads the damaged part. Staff are told with a notification.
   */
  private checkDatabase(file: string, logger: Logger, notifications: NotificationService): void {
    checkIntegrity(file).then(
      (report) => {
        // Stopped (or restarted) meanwhile: the connection the notification would be saved with is gone.
        if (this.running?.notifications !== notifications) return
        if (report.problems.length === 0) return logger.info('database integrity check: ok')
        logger.error({ problems: report.problems, code: report.code }, 'the database file is damaged')
        try {
          notifications.databaseDamaged(report.problems[0]!)
        } catch (err) {
          logger.error({ err }, 'the damaged database could not record its notification')
        }
      },
      (err) => logger.warn({ err }, 'the database integrity check could not run'),
    )
  }

  private lanUrl(lan: LanServer): string | null {
    const l = lan.listening
    if (!l) return null
    const host = l.host === '0.0.0.0' || l.host === '::' ? '0.0.0.0' : l.host
    return originFor(l.scheme, host, l.port)
  }

  /** The one-time first-run token, for the Electron window's own setup form. */
  setupToken(): string | null {
    return this.running?.services.auth.issueSetupToken() ?? null
  }

  info(ctx: CallContext): HubInfo {
    requireRole(ctx, 'viewer')
    const r = this.running!
    let databaseBytes = 0
    for (const suffix of ['', '-wal']) {
      try {
        databaseBytes += statSync(this.paths.database + suffix).size
      } catch {
        /* no WAL right now */
      }
    }
    const counts = r.repos.users.counts()
    return {
      productName: r.services.brand.current().productName[this.config.values.language],
      version: APP_VERSION,
      startedAt: this.startedAt.toISOString(),
      dataDir: this.paths.root,
      adminUrl: r.admin.url,
      lanUrl: this.lanUrl(r.lan),
      publicUrl: r.services.settings.publicUrl(),
      databaseBytes,
      backups: r.backups.info(),
      users: { total: counts.total, active: counts.active },
      node: process.versions.node,
      shell: this.options.shell ?? 'headless',
    }
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
    for (const t of r.timers) clearInterval(t)
    r.mdns.stop()
    r.notifications.stop()
    await r.retention.stop()
    await r.backups.stop()
    await r.nfc.stop()
    await Promise.allSettled([r.admin.close(), r.lan.close()])
    // Byte counts of the last second are saved before the database closes.
    r.delivery.stop()
    // Transcodes are cut off and stay queued: the next start runs them again from a clean state.
    await r.queue.stop()
    try {
      closeDatabase(r.repos.db)
    } catch (err) {
      r.logger.error({ err }, 'closing the database failed')
    }
    removeRunFile(this.paths.runFile)
    this.running = null
  }
}
