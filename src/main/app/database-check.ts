import type { Logger } from 'pino'
import { checkIntegrity } from '../db/integrity'
import { ThreadEndedError } from '../db/threads/readonly-client'
import type { NotificationService } from '../core/monitoring/notifications'

/**
 * Reads the whole database file once after each start, off the main thread (db/integrity.ts): damage otherwise
 * shows only as errors on whatever screen reads the damaged part. Staff are told with a notification. `stop()`
 * ends a check still running and resolves once its thread has let go of the file (a stopped hub holds nothing open
 * on its database: a connection left open keeps SQLite from folding the WAL into the file).
 */
export function checkDatabaseOnce(
  file: string,
  logger: Logger,
  notifications: NotificationService,
): { stop(): Promise<void> } {
  const controller = new AbortController()
  const done = checkIntegrity(file, { signal: controller.signal }).then(
    (report) => {
      // Stopped meanwhile: the connection the notification would be saved with is gone.
      if (controller.signal.aborted) return
      if (report.problems.length === 0) return logger.info('database integrity check: ok')
      logger.error({ problems: report.problems, code: report.code }, 'the database file is damaged')
      try {
        notifications.databaseDamaged(report.problems[0]!)
      } catch (err) {
        logger.error({ err }, 'the damaged database could not record its notification')
      }
    },
    (err) => {
      if (!(err instanceof ThreadEndedError))
        logger.warn({ err }, 'the database integrity check could not run')
    },
  )
  return {
    stop: () => {
      controller.abort()
      return done
    },
  }
}
