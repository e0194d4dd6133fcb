import type { Migration } from '../migration'
import { m0001Accounts } from './0001-accounts'
import { m0002Videos } from './0002-videos'
import { m0003Delivery } from './0003-delivery'
import { m0004TagProgramming } from './0004-tag-programming'
import { m0005Monitoring } from './0005-monitoring'
import { m0006Publish } from './0006-publish'
import { m0007Douyin } from './0007-douyin'
import { m0010Chain } from './0010-chain'
import { reserved } from './reserved'

/** Every schema step, in order. Append only; each has a test in tests/unit/db/migrations. */
export const MIGRATIONS: readonly Migration[] = [
  m0001Accounts,
  m0002Videos,
  m0003Delivery,
  m0004TagProgramming,
  m0005Monitoring,
  m0006Publish,
  m0007Douyin,
  // 8 and 9 are the funnel's and the store actions' (issue 18), on their branches.
  reserved(8, 'the funnel'),
  reserved(9, 'store actions'),
  m0010Chain,
]
