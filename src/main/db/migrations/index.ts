import type { Migration } from '../migration'
import { m0001Accounts } from './0001-accounts'
import { m0002Videos } from './0002-videos'
import { m0003Delivery } from './0003-delivery'
import { m0004TagProgramming } from './0004-tag-programming'
import { m0005Monitoring } from './0005-monitoring'
import { m0006Publish } from './0006-publish'
import { m0007Douyin } from './0007-douyin'
import { m0008Funnel } from './0008-funnel'
import { m0009StoreActions } from './0009-store-actions'
import { m0010Chain } from './0010-chain'
import { m0011Remix } from './0011-remix'
import { m0012Records } from './0012-records'
import { m0013WriterMarks } from './0013-writer-marks'
import { m0014HqDashboard } from './0014-hq-dashboard'
import { m0015RecordsAhead } from './0015-records-ahead'
import { m0016IdMarks } from './0016-id-marks'
import { m0017RecordsClaims } from './0017-records-claims'

/** Every schema step, in order. Append only; each has a test in tests/unit/db/migrations. */
export const MIGRATIONS: readonly Migration[] = [
  m0001Accounts,
  m0002Videos,
  m0003Delivery,
  m0004TagProgramming,
  m0005Monitoring,
  m0006Publish,
  m0007Douyin,
  m0008Funnel,
  m0009StoreActions,
  m0010Chain,
  m0011Remix,
  m0012Records,
  m0013WriterMarks,
  m0014HqDashboard,
  m0015RecordsAhead,
  m0016IdMarks,
  m0017RecordsClaims,
]
