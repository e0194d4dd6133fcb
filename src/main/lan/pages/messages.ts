import type { Language } from '../../../shared/languages'

const zh = {
  unknownTagTitle: '这个标签还没有启用',
  unknownTagBody: '请联系店员，或换一个标签再碰一碰。',
  notFoundTitle: '页面不存在',
  notFoundBody: '请重新碰一碰标签。',
}

const en: typeof zh = {
  unknownTagTitle: 'This tag is not active',
  unknownTagBody: 'Please ask the staff, or tap another tag.',
  notFoundTitle: 'Page not found',
  notFoundBody: 'Please tap the tag again.',
}

export type PhoneMessages = typeof zh
export const PHONE_MESSAGES: Record<Language, PhoneMessages> = { 'zh-CN': zh, en }
