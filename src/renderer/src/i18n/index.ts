import i18n from 'i18next'
import { initReactI18next } from 'react-i18next'
import zhCN from './zh-CN'
import en from './en'
import type { Language } from '../../../shared/languages'
import { LABELS } from '../../../shared/labels'

const STORAGE_KEY = 'tapdrop.lang'

/** The console's language from i18next's code ('en', 'zh-CN', or anything else: Chinese, the default). */
export function languageOf(code: string): Language {
  return code === 'en' ? 'en' : 'zh-CN'
}

export function storedLanguage(): Language | null {
  const v = localStorage.getItem(STORAGE_KEY)
  return v === 'zh-CN' || v === 'en' ? v : null
}

export function setLanguage(lang: Language): void {
  localStorage.setItem(STORAGE_KEY, lang)
  void i18n.changeLanguage(lang)
  document.documentElement.lang = lang
}

void i18n.use(initReactI18next).init({
  // The words of statuses and kinds are shared with the phone pages, CSV and PDFs: `t('label.transferStatus.pending')`.
  resources: {
    'zh-CN': { translation: { ...zhCN, label: LABELS['zh-CN'] } },
    en: { translation: { ...en, label: LABELS.en } },
  },
  lng: storedLanguage() ?? 'zh-CN',
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
  returnNull: false,
})

export default i18n
