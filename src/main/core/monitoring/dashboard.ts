import { statfsSync } from 'node:fs'
import type { Repos } from '../../db/repos'
import type { StatsRepo } from '../../db/repos/stats'
import type { Dashboard } from '../../../shared/contract/monitoring'
import type { NfcStatus } from '../../../shared/contract/nfc'
import type { TransferStatus } from '../../../shared/contract/transfers'
import { requireRole, type CallContext } from '../auth/actor'
import type { DeliveryService } from '../delivery/service'
import { addDays, dayKey, startOfDay } from '../time/days'

export interface DashboardDeps {
  repos: Repos
  delivery: DeliveryService
  nfc: () => NfcStatus
  dataDir: string
  now?: () => number
}

/** Where a window of days splits: roll-ups for whole days before `rawFrom`, raw rows from it on. */
export interface WindowSplit {
  dayFrom: string
  rolledUntil: string
  rawFrom: number
}

/**
 * Splits a window of `days` days (today included): roll-ups for whole days before the first day that is not rolled
 * up yet, raw rows from there on. So no day is counted twice and none is missed, whatever the roll-up has done.
 */
export function windowSplit(stats: StatsRepo, now: number, days: number): WindowSplit {
  const today = startOfDay(now)
  const first = addDays(now, -(days - 1))
  const dayFrom = dayKey(first)
  const rolled = stats.rolledDaysSince(dayFrom)
  let rawFrom = first
  while (rawFrom < today && rolled.has(dayKey(rawFrom))) rawFrom = addDays(rawFrom, 1)
  return { dayFrom, rolledUntil: dayKey(rawFrom), rawFrom }
}

/**
 * The monitoring dashboard's numbers, all from SQLite (after the delivery book has written what it holds), so what
 * the tiles say is what the database says.
 */
export class DashboardService {
  private readonly now: () => number

  constructor(private readonly d: DashboardDeps) {
    this.now = d.now ?? Date.now
  }

  summary(ctx: CallContext, q: { days: number; idleDays: number }): Dashboard {
    requireRole(ctx, 'viewer')
    this.d.delivery.flush()
    const { stats } = this.d.repos
    const now = this.now()
    const today = startOfDay(now)
    const tomorrow = addDays(now, 1)
    const yesterday = addDays(now, -1)

    const byStatus = new Map(stats.statusBetween(today, tomorrow).map((r) => [r.status, r]))
    const count = (s: TransferStatus) => byStatus.get(s)?.n ?? 0
    const queue = this.d.delivery.status()
    const nfc = this.d.nfc()
    let disk: { free: number; total: number } | null = null
    try {
      const st = statfsSync(this.d.dataDir)
      disk = { free: st.bavail * st.bsize, total: st.blocks * st.bsize }
    } catch {
      disk = null
    }

    const split = windowSplit(stats, now, q.days)
    const window = { ...split, limit: 5 }
    const titles = new Map(this.d.repos.videos.list().map((v) => [v.id, v]))
    const tags = new Map(this.d.repos.tags.list().map((t) => [t.id, t]))

    const perDay: Dashboard['tapsPerDay'] = []
    const rolledPerDay = new Map(stats.tapsPerDay(split.dayFrom, split.rolledUntil).map((r) => [r.day, r.n]))
    for (let t = addDays(now, -(q.days - 1)); t <= today; t = addDays(t, 1)) {
      const key = dayKey(t)
      perDay.push({
        day: key,
        taps: t < split.rawFrom ? (rolledPerDay.get(key) ?? 0) : stats.tapsBetween(t, addDays(t, 1)),
      })
    }

    const idleSince = addDays(now, -q.idleDays)
    const idle = stats.idleTags(idleSince, 20)
    const since = addDays(now, -(q.days - 1))
    const jobs = this.d.repos.jobs.active()
    const running = jobs.filter((j) => j.status === 'running')

    return {
      at: new Date(now).toISOString(),
      days: q.days,
      tiles: {
        tapsToday: stats.tapsBetween(today, tomorrow),
        unknownTapsToday: stats.unknownTapsBetween(today, tomorrow),
        transfersToday: [...byStatus.values()].reduce((a, r) => a + r.n, 0),
        active: count('active'),
        completedToday: count('completed'),
        failedToday: count('failed') + count('expired'),
        abortedToday: count('aborted'),
        bytesToday: [...byStatus.values()].reduce((a, r) => a + r.bytes, 0),
        queued: queue.waitingTotal,
        maxStreams: queue.maxStreams,
        readersOnline: nfc.service === 'ready' ? nfc.readers.length : 0,
        nfcService: nfc.service,
        diskFreeBytes: disk?.free ?? null,
        diskTotalBytes: disk?.total ?? null,
      },
      tapsPerHour: {
        today: stats.tapsPerHour(today, tomorrow),
        yesterday: stats.tapsPerHour(yesterday, today),
      },
      tapsPerDay: perDay,
      topVideos: stats.topVideos(window).map((r) => ({ ...r, title: titles.get(r.videoId)?.title ?? null })),
      topTags: stats.topTags(window).map((r) => ({
        ...r,
        code: tags.get(r.tagId)?.code ?? null,
        label: tags.get(r.tagId)?.label ?? null,
      })),
      idleTags: {
        idleDays: q.idleDays,
        total: idle.total,
        rows: idle.rows.map((r) => ({
          id: r.id,
          code: r.code,
          label: r.label,
          lastTapAt: r.lastTapAt ? new Date(r.lastTapAt).toISOString() : null,
        })),
      },
      failures: {
        reasons: stats.failureReasons(since, 5).map((r) => ({ reason: r.reason, count: r.n })),
        recent: stats
          .recentFailures(since, 8)
          .map((id) => this.d.repos.delivery.findById(id))
          .filter((r) => r !== null)
          .map((r) => this.d.delivery.view(r)),
      },
      jobs: {
        queued: jobs.filter((j) => j.status === 'queued').length,
        running: running.length,
        failedVideos: [...titles.values()].filter((v) => v.status === 'failed').length,
        current: running
          .filter((j) => j.videoId !== null)
          .map((j) => ({ videoId: j.videoId!, title: titles.get(j.videoId!)?.title ?? '' })),
      },
    }
  }
}
