import type { Language } from '../../../shared/languages'
import { LABELS, fill } from '../../../shared/labels'

/** The waiting phone's line, in the console's words for a queued transfer and its place; `{n}` is filled per page. */
const queueLine = (lang: Language) =>
  `${LABELS[lang].transferStatus.queued} · ${fill(LABELS[lang].queuePosition, { n: '{n}' })}`

const zh = {
  unknownTagTitle: '这个标签还没有启用',
  unknownTagBody: '请联系店员，或换一个标签再碰一碰。',
  disabledTitle: '这个标签已停用',
  disabledBody: '请换一个标签，或联系店员。',
  quotaTitle: '今天的视频已经领完啦',
  quotaBody: '每部手机每天可领取的视频数量有限，明天再来碰一碰吧。',
  tagCapTitle: '这个标签今天的视频已经发完啦',
  tagCapBody: '请明天再来，或试试店里的其他标签。',
  notReadyTitle: '视频正在准备中',
  notReadyBody: '请稍等片刻再碰一碰。',
  rateLimitedTitle: '操作太频繁了',
  rateLimitedBody: '请稍等一分钟再试。',
  notFoundTitle: '页面不存在',
  notFoundBody: '请重新碰一碰标签。',
  expiredTitle: '链接已过期',
  expiredBody: '请重新碰一碰标签获取视频。',
  queue: queueLine('zh-CN'),
  queueHint: '店里有很多人在下载，轮到您时会自动开始。',
  busy: '店里现在太忙了，请稍后再碰一碰。',
  retry: '重试',
  save: '保存视频',
  share: '分享',
  saveHint: '保存到手机后，就可以发到抖音、视频号、小红书啦。',
  helpTitle: '如何保存到相册',
  helpIos:
    'iPhone（Safari）：点「保存视频」→ 在弹出窗口点「下载」→ 打开「文件」App 的「下载」文件夹 → 点开视频 → 点左下角分享按钮 →「存储视频」。',
  helpAndroid: '安卓手机：点「保存视频」，下载完成后视频会出现在「文件管理 / 下载」或相册里。',
  helpWechat: '微信里不能直接下载：请点右上角「···」，选择「在浏览器打开」，再点「保存视频」。',
  helpOther: '点「保存视频」即可下载到本机。',
  wechatBanner: '请点右上角 ··· 选择「在浏览器打开」后再保存视频',
}

const en: typeof zh = {
  unknownTagTitle: 'This tag is not active',
  unknownTagBody: 'Please ask the staff, or tap another tag.',
  disabledTitle: 'This tag is switched off',
  disabledBody: 'Please tap another tag, or ask the staff.',
  quotaTitle: "You've had today's videos",
  quotaBody: 'Each phone can take a few videos a day. Come back and tap again tomorrow.',
  tagCapTitle: "This tag has given out today's videos",
  tagCapBody: 'Come back tomorrow, or try another tag in the store.',
  notReadyTitle: 'The video is being prepared',
  notReadyBody: 'Please tap again in a moment.',
  rateLimitedTitle: 'Too many taps',
  rateLimitedBody: 'Please wait a minute and try again.',
  notFoundTitle: 'Page not found',
  notFoundBody: 'Please tap the tag again.',
  expiredTitle: 'This link has expired',
  expiredBody: 'Tap the tag again to get the video.',
  queue: queueLine('en'),
  queueHint: 'Many people are downloading right now; yours starts by itself when it is your turn.',
  busy: 'The store is very busy right now. Please tap again in a little while.',
  retry: 'Try again',
  save: 'Save video',
  share: 'Share',
  saveHint: 'Once saved, post it to Douyin, WeChat Channels or Xiaohongshu.',
  helpTitle: 'How to save it to your photos',
  helpIos:
    'iPhone (Safari): tap “Save video” → “Download” → open the Files app, Downloads → open the video → Share → “Save Video”.',
  helpAndroid:
    'Android: tap “Save video”; when it has downloaded, find it in Files / Downloads or in your gallery.',
  helpWechat:
    'WeChat cannot download: tap ··· at the top right, choose “Open in browser”, then tap “Save video”.',
  helpOther: 'Tap “Save video” to download it.',
  wechatBanner: 'Tap ··· at the top right and choose “Open in browser” to save the video',
}

export type PhoneMessages = typeof zh
export const PHONE_MESSAGES: Record<Language, PhoneMessages> = { 'zh-CN': zh, en }
