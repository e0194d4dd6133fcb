import { Alert, Card, Flex, Segmented, Tag } from 'antd'
import { useTranslation } from 'react-i18next'
import type { BrandPatch } from '../../../../shared/contract/brand'
import type { Language } from '../../../../shared/languages'
import { errorMessage } from '../../api/client'
import { useBrandPreview } from '../../api/brand'
import { useDebounced } from '../../useDebounced'

/**
 * The phone page as it will look with the unsaved edits, rendered by the hub's own phone-page code, a quarter second
 * after the last keystroke, in either language.
 */
export function BrandPreviewCard({
  edited,
  imported,
  lang,
  onLang,
}: {
  edited: BrandPatch | null
  imported: boolean
  lang: Language
  onLang: (lang: Language) => void
}) {
  const { t } = useTranslation()
  const preview = useBrandPreview(useDebounced(edited, 250), lang)
  const error = preview.error ? errorMessage(preview.error) : null
  return (
    <Card
      title={
        <Flex align="center" gap={8}>
          {t('brand.preview')}
          {imported && <Tag>{t('brand.imported')}</Tag>}
        </Flex>
      }
      extra={
        <Segmented
          size="small"
          value={lang}
          onChange={(v) => onLang(v as Language)}
          options={[
            { value: 'zh-CN', label: '中文' },
            { value: 'en', label: 'English' },
          ]}
        />
      }
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Flex justify="center">
        <iframe
          title={t('brand.preview')}
          srcDoc={preview.html}
          sandbox=""
          data-testid="brand-preview"
          style={{
            width: 375,
            height: 640,
            border: '8px solid #1f2328',
            borderRadius: 28,
            background: '#fff',
          }}
        />
      </Flex>
    </Card>
  )
}
