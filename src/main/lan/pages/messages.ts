import type { Language } from '../../../shared/languages'
import type { Platform } from '../../../shared/contract/publish'
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
  publishTitle: '发到你的账号',
  publishIntro: '① 保存视频 → ② 复制文案 → ③ 选一个 App 发布',
  publishNoCaption: '① 保存视频 → ② 选一个 App 发布',
  copy: '复制文案',
  copied: '文案已复制 ✓',
  copyFailed: '没能自动复制：文案已选中，请长按它选择「复制」。',
  poi: '发布时添加位置：',
  douyinOneTap: '一键发布到抖音',
  stepsIos: '先把视频存到「照片」（见上方「如何保存到相册」），然后：',
  stepsAndroid: '视频已在相册或「下载」里，然后：',
  stepsOther: '',
  wechatPublish:
    '微信里打不开其他 App：先复制文案，再点右上角 ··· 选「在浏览器打开」保存视频，然后去 App 发布。',
  shareReady: '视频已准备好，点这里分享',
  storeTitle: LABELS['zh-CN'].storeActions,
  wifiTitle: LABELS['zh-CN'].storeAction.wifi,
  wifiName: '名称：',
  wifiPassword: '密码：',
  wifiOpen: '无需密码',
  wifiCopy: '复制密码',
  copiedShort: '已复制 ✓',
  wechatTitle: LABELS['zh-CN'].storeAction.wechat,
  wechatShow: '显示二维码',
  wechatHint: '在微信里长按二维码即可添加；在浏览器里可先截图，再用微信「扫一扫」→「相册」。',
  couponTitle: LABELS['zh-CN'].storeAction.coupon,
  couponGet: '领取',
  couponYours: '你的优惠码（到店出示）：',
  couponNone: '优惠券已经领完啦',
  couponFailed: '暂时领不到，请稍后再试',
  reviewTitle: LABELS['zh-CN'].storeAction.review,
  reviewGo: '去评价',
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
  publishTitle: 'Post it to your account',
  publishIntro: '① Save the video → ② Copy the caption → ③ Pick an app and post',
  publishNoCaption: '① Save the video → ② Pick an app and post',
  copy: 'Copy caption',
  copied: 'Caption copied ✓',
  copyFailed: 'Could not copy automatically: the caption is selected — press and hold it, then Copy.',
  poi: 'Add the location: ',
  douyinOneTap: 'Post to Douyin in one tap',
  stepsIos: 'First save the video to Photos (see “How to save it to your photos” above), then: ',
  stepsAndroid: 'The video is in your gallery or Downloads; then: ',
  stepsOther: '',
  wechatPublish:
    'WeChat cannot open other apps: copy the caption, then tap ··· → “Open in browser” to save the video, and post it from the app.',
  shareReady: 'The video is ready: tap here to share it',
  storeTitle: LABELS.en.storeActions,
  wifiTitle: LABELS.en.storeAction.wifi,
  wifiName: 'Network: ',
  wifiPassword: 'Password: ',
  wifiOpen: 'No password',
  wifiCopy: 'Copy password',
  copiedShort: 'Copied ✓',
  wechatTitle: LABELS.en.storeAction.wechat,
  wechatShow: 'Show the QR code',
  wechatHint:
    'In WeChat, press and hold the code to add the store; in a browser, take a screenshot and open it from WeChat’s Scan → Album.',
  couponTitle: LABELS.en.storeAction.coupon,
  couponGet: 'Get it',
  couponYours: 'Your coupon code (show it in the store): ',
  couponNone: 'All coupons have been given out',
  couponFailed: 'Could not get a coupon right now; please try again',
  reviewTitle: LABELS.en.storeAction.review,
  reviewGo: 'Write a review',
}

/** How to post the saved video in each app, step by step (the app's own words in quotes). */
const zhSteps: Record<Platform, string> = {
  douyin: '打开抖音 → 点底部「+」→「相册」→ 选刚保存的视频 →「下一步」→ 在描述里长按「粘贴」文案 →「发布」',
  kuaishou: '打开快手 → 点「+」/ 拍摄 →「相册」→ 选刚保存的视频 →「下一步」→ 在描述里粘贴文案 →「发布」',
  xiaohongshu: '打开小红书 → 点底部「+」→ 选刚保存的视频 →「下一步」→ 在正文长按「粘贴」文案 →「发布笔记」',
  channels:
    '打开微信 →「发现」→「视频号」→ 右上角人像 →「发表视频」→「从相册选择」→ 选刚保存的视频 → 粘贴文案 →「发表」',
  wechat: '打开微信 →「发现」→「朋友圈」→ 右上角相机 →「从相册选择」→ 选刚保存的视频 → 粘贴文案 →「发表」',
}

const enSteps: Record<Platform, string> = {
  douyin:
    'Open Douyin → tap “+” at the bottom → “Album” → pick the video you saved → “Next” → press and hold the description, “Paste” → “Post”',
  kuaishou:
    'Open Kuaishou → tap “+” / the camera → “Album” → pick the video you saved → “Next” → paste the caption → “Post”',
  xiaohongshu:
    'Open Xiaohongshu → tap “+” at the bottom → pick the video you saved → “Next” → press and hold the text, “Paste” → “Post”',
  channels:
    'Open WeChat → “Discover” → “Channels” → the profile icon at the top right → “Post video” → “Choose from album” → the video you saved → paste the caption → “Post”',
  wechat:
    'Open WeChat → “Discover” → “Moments” → the camera at the top right → “Choose from album” → the video you saved → paste the caption → “Post”',
}

export const PUBLISH_STEPS: Record<Language, Record<Platform, string>> = { 'zh-CN': zhSteps, en: enSteps }

export type PhoneMessages = typeof zh
export const PHONE_MESSAGES: Record<Language, PhoneMessages> = { 'zh-CN': zh, en }
