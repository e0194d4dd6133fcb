import i18n from './i18n'

/** "5 Dec 2026, 11:55" / "2026/12/5 11:55": the month spelled in English (05/12 reads as May 12 to many). */
export function formatTime(iso: string): string {
  const at = new Date(iso)
  if (i18n.language === 'en')
    return at.toLocaleString('en-GB', {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    })
  return at.toLocaleString('zh-CN', { dateStyle: 'short', timeStyle: 'short' })
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  const units = ['KB', 'MB', 'GB', 'TB']
  let v = n / 1024
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`
}

export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000)
  const d = Math.floor(s / 86400)
  const h = Math.floor((s % 86400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  // Under a minute, seconds only ("0 分 5 秒" read as nothing left).
  if (i18n.language === 'en') return d ? `${d}d ${h}h` : h ? `${h}h ${m}m` : m ? `${m}m ${s % 60}s` : `${s}s`
  return d ? `${d} 天 ${h} 小时` : h ? `${h} 小时 ${m} 分` : m ? `${m} 分 ${s % 60} 秒` : `${s} 秒`
}

export function formatClock(ms: number): string {
  const s = Math.round(ms / 1000)
  const m = Math.floor(s / 60)
  return `${m}:${String(s % 60).padStart(2, '0')}`
}

export function formatBitrate(bps: number | null): string {
  if (!bps) return '—'
  return bps >= 1_000_000 ? `${(bps / 1_000_000).toFixed(1)} Mb/s` : `${Math.round(bps / 1000)} kb/s`
}

/** Time of day only (lists of things that happened minutes ago). */
export function formatTimeOfDay(iso: string): string {
  return new Date(iso).toLocaleTimeString(i18n.language === 'en' ? 'en-GB' : 'zh-CN', { hour12: false })
}
