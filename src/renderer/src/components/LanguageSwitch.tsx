import { Segmented } from 'antd'
import { useTranslation } from 'react-i18next'
import { languageOf, setLanguage } from '../i18n'
import type { Language } from '../../../shared/languages'

export function LanguageSwitch() {
  const { i18n, t } = useTranslation()
  return (
    <Segmented<Language>
      size="small"
      aria-label={t('lang.label')}
      value={languageOf(i18n.language)}
      options={[
        { label: t('lang.zh'), value: 'zh-CN' },
        { label: t('lang.en'), value: 'en' },
      ]}
      onChange={(v) => setLanguage(v)}
      data-testid="language-switch"
    />
  )
}
