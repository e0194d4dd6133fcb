import type { Database } from 'better-sqlite3'
import { usersRepo } from './users'
import { sessionsRepo } from './sessions'
import { auditRepo } from './audit'
import { videosRepo } from './videos'
import { jobsRepo } from './jobs'
import { tagsRepo } from './tags'
import { deliveryRepo } from './delivery'
import { statsRepo } from './stats'
import { rollupsRepo } from './rollups'
import { historyRepo } from './history'
import { notificationsRepo } from './notifications'
import { captionsRepo } from './captions'
import { douyinSharesRepo } from './douyin-shares'
import { funnelRepo } from './funnel'
import { couponsRepo } from './coupons'
import { remixRepo } from './remix'
import { chainRepo } from './chain'
import { recordsRepo } from './records'
import { hqRecordsRepo } from './hq-records'

/** Every repository over the hub's one connection, built once. */
export function createRepos(db: Database) {
  return {
    db,
    users: usersRepo(db),
    sessions: sessionsRepo(db),
    audit: auditRepo(db),
    videos: videosRepo(db),
    jobs: jobsRepo(db),
    tags: tagsRepo(db),
    delivery: deliveryRepo(db),
    stats: statsRepo(db),
    rollups: rollupsRepo(db),
    history: historyRepo(db),
    notifications: notificationsRepo(db),
    captions: captionsRepo(db),
    douyinShares: douyinSharesRepo(db),
    funnel: funnelRepo(db),
    coupons: couponsRepo(db),
    remix: remixRepo(db),
    chain: chainRepo(db),
    records: recordsRepo(db),
    hqRecords: hqRecordsRepo(db),
  }
}

export type Repos = ReturnType<typeof createRepos>
