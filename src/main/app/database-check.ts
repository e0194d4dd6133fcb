import type { Logger } from 'pino'
import { checkIntegrity } from '../db/integrity'
import type { NotificationService } from '../core/monitoring/notifications'

/**
 * Reads the whole database file once after each start, off the main thread (db/integrity.ts): damage otherwise
 * shows only as errors on whatever screen reads the damaged part. Staff are told with a notification.
 * `stillRunning` says whether the hub that asked is still up (the notification needs its connection).
 */
export function checkDatabaseOnce(
  file: string,
  logger: Logger,
  notifications: NotificationService,
  stillRunning: () => boolean,
): void {
  checkIntegrity(file).then(
    (report) => {
      // Stopped (or restarted) meanwhile: the connection the notification would be saved with is gone.
      if (!stillRunning()) return
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
