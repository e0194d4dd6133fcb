import type { Language } from '../../../shared/languages'
import { TEXT, TEXT_WORD_VALUES, type HubText, type TextKey } from '../../../shared/contract/texts'
import { fill, LABELS } from '../../../shared/labels'

/**
 * The contract's own refusal texts (shared/contract/texts.ts) in each language of the console. A server refusal
 * carries the English text; the console finds its key and shows it in the language chosen.
 */
const zhCN: Record<TextKey, string> = {
  assetName: '必须是品牌文件夹里以 .svg 或 .png 结尾的文件名',
  colour: '必须是颜色值，例如 #1f6feb',
  phone: '必须是电话号码',
  email: '必须是邮箱地址',
  httpUrl: '必须是 http:// 或 https:// 开头的网址',
  brandSchema: '必须是 1（本集线器读取的品牌配置格式）',
  brandId: '必须是 2–40 个小写字母、数字或连字符',
  pngFile: '必须是 .png 文件',
  appId: '必须是反向域名格式，例如 com.example.app',
  installerName: '必须是 1–40 个字母、数字、- 或 _',
  captionFor: '请指定文案所属的视频或标签',
  storeName: '只能是纯文字，不能含 HTML、花括号或不可见字符',
  chainEndpoint: '必须形如 https://s3.example.com 或 http://192.168.1.5:7480（只写协议、主机和端口）',
  region: '必须是区域名称，例如 us-east-1、oss-cn-hangzhou 或 ap-guangzhou',
  bucket: '必须是存储桶名称：3–63 个小写字母、数字、点或连字符，以字母或数字开头和结尾',
  bucketDots: '不能有两个连续的点',
  storeId: '必须是 1–40 个小写字母、数字或连字符，例如 sh-xujiahui-01',
  chainTarget: '必须是 *（全部门店）、门店编号（如 sh-xujiahui-01）或分组（如 @east）',
  groupName: '必须是 1–40 个小写字母、数字或连字符，例如 east',
  date: '必须是日期，例如 2026-12-01',
  calendarDay: '不是日历上存在的日期',
  chainVideoId: '必须是连锁视频编号，例如 v-0123…',
  fromAfterTo: '开始日期不能晚于结束日期',
  since: '必须是时间，例如 2026-12-01 或 2026-12-01T08:00:00Z',
  username: '只能包含字母、数字、点、下划线和连字符',
  douyinClientKey: '必须是抖音开放平台的 Client Key：4–64 个字母和数字，例如 aw1a2b3c4d5e6f',
  douyinClientSecret: '必须是抖音开放平台的 Client Secret：8–128 个字符，不含空格',
  douyinApiBase: '必须是 https:// 地址，例如 https://open.douyin.com（http:// 只限 127.0.0.1 或 localhost）',
  douyinVideoBase: '必须是 http:// 或 https:// 地址，例如 https://video.example.com（不带 ? 参数或 # 片段）',
  dateTimeOffset: '必须是日期时间，例如 2026-11-24T09:00:00+08:00',
  dateTimeUtc: '必须是日期时间，例如 2026-11-24T09:00:00Z',
  host: '必须是 IP 地址（0.0.0.0 表示所有网卡）或主机名',
  publicUrl: '必须形如 http://192.168.1.20:8080（只写协议、主机和端口）',
  tagOrTarget: '请指定标签或目标（二选一）',
  videoTwice: '同一个视频列了两次',
  platformTwice: '同一个平台列了两次',
  clipOrder: '片段的结束时间必须晚于开始时间',
  overlayLine: '每行叠加文字最多 40 个字',
  storeActionTwice: '同一个门店操作列了两次',
  reviewUrl: '必须是 https:// 地址，例如 https://www.dianping.com/shop/12345',
  couponCode: '券码是 1–64 个可见字符，不含空格',
  credentialPrintable: '只能包含可打印字符，不能有空格',
  douyinNeedsKeys: '开启抖音发布需要 Client Key 和 Client Secret：请先填好这两项',
  fromToNeedLabel: '设置起止日期时需要同时指定位置名称（视频投放的位置）',
  qrTooLarge: '图片太大（二维码图片一般只有几十 KB）',
  qrNotImage: '不是边长 64–4096 像素的 PNG 或 JPEG 图片（请把微信里的二维码保存为图片后上传）',
  retryOnlyFailed: '只有转码失败的视频才能重试',
  raiseOnlyWaiting: '只有排队中的转码才能提前',
  nothingToCancel: '没有可以取消的转码',
  publishNotReady: '只有可用的视频才能发布（它还在转码，或转码失败了）',
  publishFirst: '请先发布视频：目录里还没有 {{videos}}',
  groupInUse: '分组 @{{name}} 仍被已发布的视频或投放绑定使用',
  captionsMax: '一个视频或标签最多 {{max}} 条文案',
  tagNotVideo: '标签 {{tagId}} 不投放视频 {{videoId}}',
  pinnedFirstTwice: '只能有一个片段固定在开头',
  pinnedLastTwice: '只能有一个片段固定在结尾',
  tooFewClips: '每个变体需要 {{need}} 个片段，但模板只有 {{have}} 个',
  tooManyPinned: '固定了 {{pinned}} 个片段，但每个变体只有 {{clips}} 个',
  speedOrder: '最低速度高于最高速度',
  clipTooShort:
    '第 {{n}} 个片段（视频 {{videoId}}）只有 {{has}} 秒，每个片段需要 {{needs}} 秒（{{seconds}} 秒分成 {{clips}} 段，最高 {{speed}} 倍速）',
  noMusic: '没有编号为 {{id}} 的音乐',
  noFont: '这台电脑没有中文字体，无法绘制叠加文字和片尾（请安装 fonts-noto-cjk）',
  noGlyph: '字体里没有“{{line}}”中 {{chars}} 的字形',
  templateDeleted: '模板 {{id}} 已被删除',
  clipVideoDeleted: '模板用到的视频 {{id}} 已被删除',
  clipVideoNotReady: '模板用到的视频 {{id}} 还不可用（{{status}}）',
  clipNoRendition: '模板用到的视频 {{id}} 没有可用的清晰度',
  musicDeleted: '模板用到的音乐 {{id}} 已被删除',
  musicNoFile: '文件不存在：{{path}}',
  musicEmpty: '文件是空的',
  musicTooLarge: '文件大于 200 MB',
  musicNoSound: '文件里没有声音，不是音乐',
  musicNotAudio: '不是音频文件：{{why}}',
  musicTooShort: '音乐短于 1 秒',
  musicSilent: '音乐没有声音（响度 {{lufs}} LUFS）',
  poolDiskLow: '磁盘快满了：腾出空间之前不再生成新视频',
  poolBudget: '混剪视频已用完磁盘额度（{{mb}} MB）',
  poolPaused: '连续 {{n}} 次生成失败：{{minutes}} 分钟后再试',
  poolNotQueued: '无法排入生成队列：{{why}}',
  settingFromEnv: '{{key}} 由环境变量 {{env}} 设定，请在那里修改',
  settingFromFlag: '{{key}} 由启动参数设定，请在那里修改',
  videoInTemplates: '混剪模板 {{names}} 用到了这个视频：请先从模板中移除它，或删除这些模板',
  videoPublished: '这个视频已发布到门店：请先下架（「连锁门店」页，或 tapdrop chain unpublish {{id}}）',
  videoOnTags: '有 {{n}} 个标签正在投放这个视频；仍要删除，这些标签将不再有它',
  zipNotZip: '不是可读的 .zip 压缩包（开头没有 zip 文件头）',
  zipCutShort: '不是可读的 .zip 压缩包（缺少结尾：文件是否没传完整？）',
  zipBroken: '不是可读的 .zip 压缩包（{{why}}）',
  zipTooManyFiles: '压缩包里超过 {{max}} 个文件；品牌方案最多 {{max}} 个',
  zipTooLarge: '压缩包解开后超过 {{mb}} MB',
  zipFileNotAllowed: '“{{name}}”：品牌方案里只能有 brand.json 和 .svg/.png 图片',
  zipNoBrandJson: '压缩包里没有 brand.json',
  storeNameInUse: '有文案用到了 {门店}：这些文案还在时不能清空门店名称（请先修改这些文案）',
  captionNeedsStoreName:
    '文案用到了 {门店}，但还没有填写门店名称：请先在 系统设置 → 发布 中填写，否则顾客发出的内容在那里会是空的',
  lockConfirm: '永久锁定需要输入确认词 LOCK',
}

export const CONTRACT_TEXTS: Record<Language, Record<TextKey, string>> = { 'zh-CN': zhCN, en: TEXT }

const KEY_OF_TEXT = new Map<string, TextKey>(Object.entries(TEXT).map(([k, v]) => [v, k as TextKey]))

/** A hub text in the console's language, its values filled in. */
export function sayText(t: HubText, language: Language): string {
  const values = { ...t.values }
  for (const [name, table] of Object.entries(TEXT_WORD_VALUES[t.key] ?? {})) {
    const words: Record<string, string> = LABELS[language][table]
    const v = values[name]
    if (typeof v === 'string' && Object.hasOwn(words, v)) values[name] = words[v]!
  }
  return fill(CONTRACT_TEXTS[language][t.key] ?? TEXT[t.key], values)
}

/** The key of a contract text (the English a server refusal carries), or null for any other text. */
export function contractTextKey(english: string): TextKey | null {
  return KEY_OF_TEXT.get(english) ?? null
}
