import { join } from 'node:path'
import type { Logger } from 'pino'
import type { Repos } from '../db/repos'
import { AuditService } from '../core/audit/service'
import { AuthService } from '../core/auth/service'
import { ChainService } from '../core/chain/service'
import { ChainHq } from '../core/chain/hq/service'
import {
  CHAIN_JOB_KINDS,
  CHAIN_PUBLISH_JOB,
  CHAIN_UNPUBLISH_JOB,
  publishJob,
  unpublishJob,
} from '../core/chain/hq/publish-job'
import { ChainSync } from '../core/chain/sync/service'
import { RecordsDashboard } from '../core/chain/records/dashboard'
import { RecordsIngest } from '../core/chain/records/ingest'
import { RecordsOutbox } from '../core/chain/records/outbox'
import { DailyBackups } from '../core/backup/daily'
import type { Brand } from '../core/brand/brand'
import { BrandService, findBuiltinBrands } from '../core/brand/service'
import { PublishSettingsService } from '../core/captions/publish-settings'
import { CaptionsService } from '../core/captions/service'
import type { ConfigStore } from '../core/config/store'
import { DeliveryService } from '../core/delivery/service'
import { EventBus } from '../core/events/bus'
import { FunnelService } from '../core/funnel/service'
import { JobQueue } from '../core/jobs/queue'
import { resolveMediaBinaries, type MediaBinaries } from '../core/media/binaries'
import { DashboardService } from '../core/monitoring/dashboard'
import { HistoryService } from '../core/monitoring/history'
import { NotificationService } from '../core/monitoring/notifications'
import { Retention } from '../core/monitoring/retention'
import type { DataPaths } from '../core/paths'
import { DouyinPublisher, douyinReady, douyinSettings } from '../core/publish/douyin/publisher'
import { DouyinHandOff } from '../core/publish/hand-off'
import { SettingsService } from '../core/settings/service'
import { StoreActionsService } from '../core/store-actions/service'
import { BatchRunner } from '../core/tags/programming/batch'
import { TagProvisioner } from '../core/tags/programming/provisioner'
import { TagsService } from '../core/tags/service'
import { UsersService } from '../core/users/service'
import { VideoService } from '../core/videos/service'
import { VideoStorage } from '../core/videos/storage'
import { TRANSCODE_JOB, transcodeJob } from '../core/videos/transcode-job'
import { VariantPools } from '../core/remix/pool'
import { RemixService } from '../core/remix/service'
import { VARIANT_JOB, variantJob } from '../core/remix/variant-job'
import { findCjkFont } from '../labels/font'
import type { TlsMaterial } from '../lan/tls'
import { NfcService } from '../nfc/service'
import type { HubOptions } from './options'
import { PhoneListener } from './phone-listener'
import { APP_VERSION } from '../../shared/version'

export interface HubServices {
  config: ConfigStore
  events: EventBus
  audit: AuditService
  auth: AuthService
  users: UsersService
  settings: SettingsService
  videos: VideoService
  storage: VideoStorage
  queue: JobQueue
  media: MediaBinaries
  tags: TagsService
  captions: CaptionsService
  publish: PublishSettingsService
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
  chain: ChainService
  /** A store's sync from the chain's catalog (issue 20); idle at HQ and without chain settings. */
  chainSync: ChainSync
  /** Headquarters' publishing, bindings and store list; its jobs run on `chainQueue`. */
  chainHq: ChainHq
  chainQueue: JobQueue
  /** A store's records for headquarters (issue 21): the outbox; idle at HQ and without chain settings. */
  recordsOutbox: RecordsOutbox
  /** Headquarters' ingest of every store's records; idle at a store. */
  recordsIngest: RecordsIngest
  /** Headquarters' chain dashboard: totals, trend, funnel and CSV from the records ingested. */
  recordsDashboard: RecordsDashboard
  /** "发布到抖音": the phone page's publish flow calls douyin.shareFor (docs/architecture.md, "Publishing"). */
  douyin: DouyinPublisher
  /** The conversion funnel: beacons from phone pages, steps the hub saw, counts for the console. */
  funnel: FunnelService
  /** Store actions beside the video: Wi-Fi, the WeChat QR image, coupons, the review link. */
  storeActions: StoreActionsService
  /** 一碰一个新视频: remix templates, the music library, the preview render. */
  remix: RemixService
  /** Each remix tag's pool of ready variants (the tap path takes from it in memory). */
  pools: VariantPools
}

export interface ServiceInputs {
  config: ConfigStore
  paths: DataPaths
  options: HubOptions
  repos: Repos
  media: MediaBinaries
  tls: TlsMaterial | null
  logger: (scope: string) => Logger
  /** The admin console's address once it listens (Settings shows it). */
  adminUrl: () => string
}

/** ffmpeg and ffprobe as found on this PC; a hub without them runs, and refuses uploads with that reason. */
export async function findMediaTools(options: HubOptions, logger: Logger): Promise<MediaBinaries> {
  // Tests pass a bare env to keep TAPDROP_* out; binaries are still looked up on the real PATH.
  const media = await resolveMediaBinaries(
    options.env ? { PATH: process.env.PATH, ...options.env } : process.env,
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
  return media
}

/**
 * Builds every service once, each after what it needs, so nothing is attached later; nothing starts here (the hub
 * starts them in order). The phone listener is built here too: tags need its address, and it serves deliveries.
 */
export function buildServices(i: ServiceInputs): { services: HubServices; phones: PhoneListener } {
  const { config, paths, repos, media, logger } = i
  const events = new EventBus()
  const audit = new AuditService(repos.audit)
  const auth = new AuthService(
    repos,
    audit,
    () => ({ idleMinutes: config.values.sessionIdleMinutes, maxDays: config.values.sessionMaxDays }),
    logger('auth'),
  )
  const users = new UsersService(repos, audit, events, logger('users'))
  const brandService = new BrandService({
    config,
    audit,
    events,
    logger: logger('brand'),
    builtinDir: i.options.brandsDir ?? findBuiltinBrands(__dirname),
    importedDir: join(paths.root, 'brands'),
    overridesFile: join(paths.root, 'brand-overrides.json'),
    ...(i.options.defaultBrand ? { defaultBrand: i.options.defaultBrand } : {}),
  })
  const brand = (): Brand => brandService.current()

  const notifications = new NotificationService({
    repos,
    events,
    logger: logger('notify'),
    dataDir: paths.root,
    settings: () => {
      const v = config.values
      return {
        failedTransfers: v.alertFailedTransfers,
        quotaRefusals: v.alertQuotaRefusals,
        diskLowMegabytes: v.diskLowMegabytes,
      }
    },
  })
  const retention = new Retention({
    repos,
    logger: logger('retention'),
    retentionDays: () => config.values.retentionDays,
    // Rows a chain store has not shipped to headquarters yet stay, however old (set once the outbox exists).
    keepAfter: () => recordsOutbox?.keepAfter() ?? null,
    notifyHeld: (params) => notifications.raise('records-held', 'retention', params),
  })
  let recordsOutbox: RecordsOutbox | null = null
  const backups = new DailyBackups({
    database: paths.database,
    dir: paths.backups,
    logger: logger('backup'),
    keepDays: () => config.values.backupDays,
    minFreeBytes: () => config.values.minFreeDiskMegabytes * 1024 * 1024,
  })

  const storage = new VideoStorage(paths, logger('storage'))
  storage.reconcile(repos.videos)
  repos.videos.resetProcessing(Date.now())
  const videosLogger = logger('videos')
  const remixLogger = logger('remix')
  // The pools need the queue and the variant job needs the pools: the job asks for them when it runs.
  let pools: VariantPools | null = null
  const renderKit = {
    repos,
    storage,
    config,
    media: () => media,
    // The label PDFs' CJK font (TAPDROP_LABEL_FONT, resources/fonts, or the system's Noto CJK / PingFang / YaHei).
    font: () => findCjkFont({ ...process.env, ...i.options.env }),
    fontCacheDir: join(paths.cache, 'fonts'),
    brand: () => brandService.current(),
    logger: remixLogger,
  }
  const queue = new JobQueue({
    repo: repos.jobs,
    kinds: {
      [TRANSCODE_JOB]: transcodeJob({
        repos,
        storage,
        config,
        events,
        logger: videosLogger,
        media: () => media,
        onFailed: (v, error) => notifications.transcodeFailed(v.id, v.title, error),
      }),
      [VARIANT_JOB]: variantJob({
        ...renderKit,
        pools: () => pools!,
        onFailed: (tagId, error) => {
          if (tagId === null) return
          const tag = repos.tags.findById(tagId)
          notifications.variantFailed(tagId, tag?.label || tag?.code || `#${tagId}`, error)
        },
      }),
    },
    concurrency: () => config.values.transcodeConcurrency,
    retryBaseMs: () => config.values.jobRetryBaseSeconds * 1000,
    logger: logger('jobs'),
    // The chain's publish jobs have a queue of their own: they must not wait behind a long transcode.
    scope: { except: CHAIN_JOB_KINDS },
  })
  const videos = new VideoService({
    repos,
    storage,
    config,
    audit,
    events,
    logger: videosLogger,
    media: () => media,
    queue,
    tagsUsing: (videoId) => repos.tags.countUsingVideo(videoId),
    templatesUsing: (videoId) => repos.remix.templatesUsingVideo(videoId),
    // chainHq is made further down (it needs the chain's queue); only HQ has a catalog of its own videos.
    publishedToStores: async (videoId) =>
      config.values.chainRole === 'hq' && chainHq !== null && (await chainHq.isPublished(videoId)),
  })
  pools = new VariantPools({
    repos,
    config,
    storage,
    queue,
    logger: remixLogger,
    dir: join(paths.media, 'variants'),
    onDry: (tag, fallback) => notifications.poolDry(tag.id, tag.label || tag.code, fallback),
  })
  const remix = new RemixService({ ...renderKit, audit, events, pools, logger: remixLogger })

  const publish = new PublishSettingsService({
    config,
    repos,
    audit,
    events,
    storeNameInUse: (): boolean => captions.storeNameInUse(),
  })
  const captions = new CaptionsService({
    repos,
    audit,
    events,
    logger: logger('captions'),
    storeName: () => publish.storeName(),
    fillsStoreName: () => config.values.chainRole !== 'hq',
    language: () => config.values.language,
  })
  // A tag's label and strategy are in its draws; a deleted tag or video takes its captions with it.
  events.subscribe(() => captions.invalidate(), ['tags-changed', 'videos-changed'])

  // The chain's object store (issue 20): S3 behind core's port, built when first used and after a chain setting
  // changes. The S3 library (~80 ms to load) is loaded then too: a single store's hub and the CLI never load it.
  const chainLogger = logger('chain')
  const chain = new ChainService({
    config,
    logger: chainLogger,
    openStore: async (connection) => {
      const { S3ObjectStore } = await import('../chain/s3-store')
      return new S3ObjectStore({ ...connection, logger: chainLogger })
    },
  })
  // Set below, once delivery exists: a catalog applied clears what the tap path and the caption draw cached.
  let libraryChanged = (): void => {}
  const chainSync = new ChainSync({
    chain,
    repos,
    config,
    events,
    storage,
    dir: join(paths.media, 'chain'),
    logger: chainLogger,
    appVersion: APP_VERSION,
    notifyStale: (params) => notifications.raise('chain-stale', 'sync', params),
    onApplied: () => libraryChanged(),
  })
  recordsOutbox = new RecordsOutbox({ chain, repos, config, logger: logger('records') })
  const recordsIngest = new RecordsIngest({
    chain,
    repos,
    config,
    logger: logger('records'),
    notifyQuarantined: (params) => notifications.raise('records-quarantined', String(params.key), params),
    onApplied: () => events.emit({ type: 'chain-changed' }),
  })

  const delivery = new DeliveryService({
    repos,
    config,
    events,
    storage,
    captions,
    variants: pools,
    // A tag whose placement label a campaign binding names plays the campaign's videos on its days.
    bindings: chainSync.bindings,
    logger: logger('delivery'),
    onFailed: () => notifications.transferFailed(),
    onQuotaRefused: () => notifications.quotaRefused(),
  })
  const douyin = new DouyinPublisher({
    settings: () => douyinSettings(config.values),
    transferId: (token) => delivery.liveTransferId(token),
    shares: repos.douyinShares,
    logger: logger('douyin'),
    retentionDays: () => config.values.retentionDays,
  })
  config.onChange((keys) => {
    if (keys.some((k) => k.startsWith('douyin'))) douyin.settingsChanged()
  })
  // What a tap's page asks about its own transfer afterwards (beacons, the Douyin link, a coupon): memory first.
  const pageTransfer = (token: string) => {
    const found = delivery.pageTransfer(token)
    if (!found) return null
    const r = found.transfer.record
    return {
      record: r,
      funnel: { id: r.id, tagId: r.tagId, videoId: r.videoId, createdAt: r.createdAt },
      tag: found.tag,
    }
  }
  const douyinHandOff = new DouyinHandOff({
    shareFor: (request) => douyin.shareFor(request),
    ready: () => douyinReady(config.values),
    transfer: (token) => {
      const p = pageTransfer(token)
      return p
        ? {
            id: p.record.id,
            tagId: p.record.tagId,
            captionId: p.record.captionId,
            offersDouyin: p.tag?.platforms.includes('douyin') ?? false,
          }
        : null
    },
    caption: (captionId, tagId) => captions.shown(captionId, tagId),
    limits: () => publish.limits(),
    perMinute: () => config.values.tapRateLimitPerMinute,
  })
  const funnel = new FunnelService({
    repos,
    logger: logger('funnel'),
    transfer: (token) => {
      const p = pageTransfer(token)
      return p ? { ...p.funnel, platforms: p.tag?.platforms ?? [] } : null
    },
    flushDelivery: () => delivery.flush(),
    douyinShareIds: (transferId) => douyinHandOff.shareIdsOf(transferId),
    // A page reports a few steps per tap: four times the taps an address may make.
    perAddressPerMinute: () => config.values.tapRateLimitPerMinute * 4,
    onWritten: () => events.emit({ type: 'funnel-changed' }),
  })
  const storeActions = new StoreActionsService({
    config,
    repos,
    audit,
    events,
    logger: logger('store'),
    dir: join(paths.root, 'store'),
    transfer: (token) => {
      const p = pageTransfer(token)
      return p ? { ...p.funnel, deviceId: p.record.deviceId, storeActions: p.tag?.storeActions ?? [] } : null
    },
    couponGiven: (t) => funnel.recordHub(t, 'coupon-claimed'),
    couponsPerMinute: () => config.values.tapRateLimitPerMinute,
  })
  const phones = new PhoneListener({
    config,
    tls: i.tls,
    brand,
    delivery,
    logger,
    phonePage: { funnel, storeActions, douyin: douyinHandOff, platformLimits: () => publish.limits() },
  })
  const tags = new TagsService({
    repos,
    audit,
    events,
    logger: logger('tags'),
    publicUrl: () => phones.publicUrl(),
    reachableOrigins: () => phones.reachableOrigins(),
    campaignFor: (tag, now) => chainSync.bindings.poolFor(tag, now),
  })
  // The tap path caches tags and titles; any edit clears the cache.
  // A deleted tag's id may be the next new tag's: what delivery keeps by tag id goes with it.
  events.subscribe(
    (e) => {
      delivery.invalidate()
      if (e.type === 'tags-changed' && e.deletedId !== undefined) {
        delivery.forgetTag(e.deletedId)
        pools.forgetTag(e.deletedId)
      }
      // A tag given a template (or another one), or a video becoming ready: pools fill in idle time.
      pools.changed()
    },
    ['tags-changed', 'videos-changed'],
  )
  const nfc = new NfcService({
    logger: logger('nfc'),
    onStatus: (status) => events.emit({ type: 'nfc', status }),
    ...(i.options.nfcWorker ? { worker: i.options.nfcWorker } : {}),
    env: i.options.env ?? process.env,
  })
  const provisioner = new TagProvisioner({ nfc, tags, logger: logger('nfc') })
  const batches = new BatchRunner({
    nfc,
    tags,
    provisioner,
    logger: logger('nfc'),
    onChange: (batch) => events.emit({ type: 'nfc-batch', batch }),
  })

  libraryChanged = () => {
    delivery.invalidate()
    captions.invalidate()
  }
  // Headquarters: publish jobs on a queue of their own (one at a time; each sends its parts three at once).
  let chainHq: ChainHq | null = null
  const chainJobDeps = {
    store: () => chain.store(),
    repos,
    storage,
    logger: chainLogger,
    onCatalog: (catalog: Parameters<ChainHq['catalogWritten']>[0], jobId: number) =>
      chainHq?.catalogWritten(catalog, jobId),
    onState: () => chainHq?.changed(),
  }
  const chainQueue = new JobQueue({
    repo: repos.jobs,
    kinds: {
      [CHAIN_PUBLISH_JOB]: publishJob(chainJobDeps),
      [CHAIN_UNPUBLISH_JOB]: unpublishJob(chainJobDeps),
    },
    concurrency: () => 1,
    retryBaseMs: () => config.values.jobRetryBaseSeconds * 1000,
    logger: chainLogger,
    scope: { only: CHAIN_JOB_KINDS },
  })
  chainHq = new ChainHq({ chain, repos, queue: chainQueue, audit, events, config, logger: chainLogger })
  const hq = chainHq
  const recordsDashboard = new RecordsDashboard({
    chain,
    repos,
    ingest: recordsIngest,
    storeNames: async (ctx) => new Map((await hq.stores(ctx)).map((s) => [s.storeId, s.storeName])),
  })

  const dashboard = new DashboardService({ repos, delivery, nfc: () => nfc.status(), dataDir: paths.root })
  const history = new HistoryService({ repos, delivery, funnel })
  const settings = new SettingsService(config, repos, audit, events, {
    adminUrl: i.adminUrl,
    lanListening: () => phones.url(),
    lanPort: () => phones.port,
    rebindLan: (host, port) => phones.rebind(host, port),
    media: () => media,
    publicUrl: () => phones.publicUrl(),
    tagBaseUrls: () => tags.baseUrlReport(),
    tls: () => phones.tlsInfo(),
    mdns: () => phones.mdns.published,
    announce: () => phones.announce(),
    setNfc: async (on) => {
      if (on) nfc.start()
      else await nfc.stop()
    },
  })
  return {
    services: {
      config,
      events,
      audit,
      auth,
      users,
      settings,
      videos,
      storage,
      queue,
      media,
      tags,
      captions,
      publish,
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
      chain,
      chainSync,
      chainHq,
      chainQueue,
      recordsOutbox,
      recordsIngest,
      recordsDashboard,
      douyin,
      funnel,
      storeActions,
      remix,
      pools,
    },
    phones,
  }
}
