import type { TFunction } from 'i18next'

/** The dashboard's period as its card titles say it: today, or the last n days (today included). */
export const periodWords = (t: TFunction, days: number): string =>
  days === 1 ? t('dashboard.periodToday') : t('dashboard.lastDays', { n: days })
