import type { ExportRow } from '../../db/repos/history'
import type { Language } from '../../../shared/languages'
import { describeDevice } from '../delivery/device'

/** Excel reads a UTF-8 CSV as the local code page unless it starts with a byte-order mark. */
export const BOM = '\uFEFF'

/**
 * One CSV cell (RFC 4180). Text that a spreadsheet would run as a formula (a user agent or a tag label starting
 * with =, +, -, @) is prefixed with an apostrophe: the file comes partly from phones, so it is treated as untrusted.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return ''
  if (typeof value === 'number') return String(value)
  let s = value
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function csvLine(cells: Array<string | number | null>): string {
  return cells.map(csvCell).join(',') + '\r\n'
}

const HEADERS: Record<Language, string[]> = {
  'zh-CN': [
    '编号',
    '时间',
    '标签',
    '标签码',
    '视频',
    '清晰度',
    '等级',
    '系统',
    '浏览器',
    'IP',
    '设备编号',
    '状态',
    '文件大小(字节)',
    '已送达(字节)',
    '网络发送(字节)',
    '请求数',
    '开始',
    '结束',
    '原因',
  ],
  en: [
    'ID',
    'Time',
    'Tag',
    'Tag code',
    'Video',
    'Rendition',
    'Tier',
    'OS',
    'Browser',
    'IP',
    'Device',
    'Status',
    'Size (bytes)',
    'Delivered (bytes)',
    'Sent on the wire (bytes)',
    'Requests',
    'Started',
    'Finished',
    'Reason',
  ],
}

const STATUS: Record<Language, Record<string, string>> = {
  'zh-CN': {
    pending: '待下载',
    queued: '排队中',
    active: '传输中',
    completed: '已完成',
    aborted: '已中断',
    failed: '失败',
    expired: '已过期',
  },
  en: {
    pending: 'pending',
    queued: 'queued',
    active: 'active',
    completed: 'completed',
    aborted: 'aborted',
    failed: 'failed',
    expired: 'expired',
  },
}

/** Local time as spreadsheets parse it: `2026-11-24 15:04:05`. */
export function localTime(t: number | null): string | null {
  if (t === null) return null
  const d = new Date(t)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
}

export function csvHeader(lang: Language): string {
  return BOM + csvLine(HEADERS[lang])
}

export function csvRow(r: ExportRow, lang: Language): string {
  const device = describeDevice(r.user_agent ?? undefined)
  return csvLine([
    r.id,
    localTime(r.created_at),
    r.tag_label,
    r.tag_code,
    r.video_title,
    r.rendition,
    r.tier === 'vip' ? 'VIP' : lang === 'en' ? 'normal' : '普通',
    device.os,
    device.browser,
    r.ip,
    r.device_id,
    STATUS[lang][r.status] ?? r.status,
    r.bytes_total,
    r.bytes_sent,
    r.wire_bytes,
    r.requests,
    localTime(r.started_at),
    localTime(r.finished_at),
    r.error,
  ])
}
