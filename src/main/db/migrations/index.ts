import type { Migration } from '../migration'
import { m0001Accounts } from './0001-accounts'
import { m0002Videos } from './0002-videos'
import { m0003Delivery } from './0003-delivery'
import { m0004TagProgramming } from './0004-tag-programming'
import { m0005Monitoring } from './0005-monitoring'
import { m0007Douyin } from './0007-douyin'

/**
 * Holds number 6 for the caption library's migration (0006, built on the wt-captions branch at the same time).
 * MERGING: replace this with that branch's m0006 import. A database migrated on this branch alone is at version 7
 * without 0006's tables and must be thrown away, not merged on.
 */
const m0006ReservedForCaptions: Migration = { version: 6, name: 'reserved-for-captions', up() {} }

/** Every schema step, in order. Append only; each has a test in tests/unit/db/migrations. */
export const MIGRATIONS: readonly Migration[] = [
  m0001Accounts,
  m0002Videos,
  m0003Delivery,
  m0004TagProgramming,
  m0005Monitoring,
  m0006ReservedForCaptions,
  m0007Douyin,
]
