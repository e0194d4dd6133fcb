import { useMemo, useState } from 'react'
import { Alert, Flex, Segmented, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { CaptionStrategy, Platform } from '../../../../shared/contract/publish'
import type { StoreAction } from '../../../../shared/contract/store-actions'
import type { Language } from '../../../../shared/languages'
import { errorMessage } from '../../api/client'
import { useTagPagePreview } from '../../api/tags'
import { useDebounced } from '../../useDebounced'
import { languageOf } from '../../i18n'

/** What of the tag form the phone page shows. */
export interface TagPreviewValues {
  label: string
  videoIds: number[]
  platforms: Platform[]
  captionStrategy: CaptionStrategy
  storeActions: StoreAction[]
}

/**
 * The phone page a tap of this tag would give as the form stands, rendered by the hub's own phone-page code a
 * quarter second after the last change, in either language: the first video, the caption the next tap would draw
 * (no use counted), the publish buttons and the store's blocks in their order.
 */
export function TagPagePreview({ tagId, values }: { tagId: number | null; values: TagPreviewValues }) {
  const { t, i18n } = useTranslation()
  const [lang, setLang] = useState<Language>(languageOf(i18n.language))
  const { label, videoIds, platforms, captionStrategy, storeActions } = values
  const first = videoIds[0] ?? null
  const input = useMemo(
    () => ({ tagId, videoId: first, label: label.trim(), platforms, captionStrategy, storeActions, lang }),
    [tagId, first, label, platforms, captionStrategy, storeActions, lang],
  )
  const preview = useTagPagePreview(useDebounced(input, 250))
  return (
    <Flex vertical gap={10} align="center" data-testid="tag-preview-panel">
      <Flex justify="space-between" align="center" style={{ width: '100%' }}>
        <Typography.Text strong>{t('tags.preview')}</Typography.Text>
        <Segmented
          size="small"
          value={lang}
          onChange={(v) => setLang(v as Language)}
          options={[
            { value: 'zh-CN', label: '中文' },
            { value: 'en', label: 'English' },
          ]}
          data-testid="tag-preview-lang"
        />
      </Flex>
      {preview.error !== null && (
        <Alert type="error" showIcon title={errorMessage(preview.error)} style={{ width: '100%' }} />
      )}
      <iframe
        title={t('tags.preview')}
        srcDoc={preview.html}
        sandbox=""
        data-testid="tag-preview"
        style={{
          width: 340,
          height: 600,
          border: '8px solid #1f2328',
          borderRadius: 28,
          background: '#fff',
        }}
      />
      <Typography.Text
        type="secondary"
        style={{ fontSize: 12, maxWidth: 340 }}
        data-testid="tag-preview-note"
      >
        {preview.captionId !== null ? t('tags.previewCaption') : t('tags.previewNoCaption')}
      </Typography.Text>
    </Flex>
  )
}
