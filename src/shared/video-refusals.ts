import type { Language } from './languages'

/** Why an upload was refused. Nothing of a refused file stays on disk or in the database. */
export const REFUSAL_REASONS = [
  'empty',
  'not-video',
  'audio-only',
  'still-image',
  'truncated',
  'unsupported-container',
  'unsupported-codec',
  'too-short',
  'too-large',
  'disk-full',
  'quota-exceeded',
  'no-ffmpeg',
  'unreadable',
] as const
export type RefusalReason = (typeof REFUSAL_REASONS)[number]

export const REFUSAL_TEXT: Record<RefusalReason, Record<Language, string>> = {
  empty: { 'zh-CN': '文件是空的', en: 'the file is empty' },
  'not-video': {
    'zh-CN': '这不是视频文件（无法识别其内容）',
    en: 'this is not a video file (its content is not recognised)',
  },
  'audio-only': { 'zh-CN': '文件只有音频，没有画面', en: 'the file has sound only, no picture' },
  'still-image': { 'zh-CN': '这是一张图片，不是视频', en: 'this is a still image, not a video' },
  truncated: {
    'zh-CN': '文件不完整（可能上传或拷贝中断），请重新导出或拷贝',
    en: 'the file is incomplete (an interrupted copy or export?); export or copy it again',
  },
  'unsupported-container': { 'zh-CN': '不支持的文件格式', en: 'this file format is not supported' },
  'unsupported-codec': { 'zh-CN': '不支持的视频编码', en: 'this video codec is not supported' },
  'too-short': { 'zh-CN': '视频太短（至少 0.5 秒）', en: 'the video is too short (at least 0.5 s)' },
  'too-large': { 'zh-CN': '文件超过大小上限', en: 'the file is larger than the upload limit' },
  'disk-full': {
    'zh-CN': '磁盘空间不足，无法保存该文件',
    en: 'not enough free disk space to store this file',
  },
  'quota-exceeded': { 'zh-CN': '今天的上传数量已达上限', en: 'the daily upload limit is reached' },
  'no-ffmpeg': {
    'zh-CN': '本机没有可用的 ffmpeg/ffprobe，无法检查和转码视频',
    en: 'no ffmpeg/ffprobe on this PC: videos cannot be checked or transcoded',
  },
  unreadable: { 'zh-CN': '无法读取该文件', en: 'the file cannot be read' },
}
