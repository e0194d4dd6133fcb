import { Card, Flex, List, Tag, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { PlatformLimitsMap, Platform } from '../../../../shared/contract/publish'
import type { CaptionContent } from '../../../../shared/captions/rules'
import { fillCaption, renderCaption, type CaptionWarning } from '../../../../shared/captions/render'
import type { CaptionValues } from '../../../../shared/captions/variables'

/**
 * What each platform receives for a caption as it is being written: the same function the phone page uses, with
 * the counters and a warning per limit passed. Text is rendered by React, so nothing in it is ever markup.
 */
export function CaptionPreview({
  content,
  values,
  platforms,
  limits,
}: {
  content: CaptionContent
  values: CaptionValues
  platforms: readonly Platform[]
  limits: PlatformLimitsMap
}) {
  const { t } = useTranslation()
  const rendered = renderCaption(fillCaption(content, values), platforms, limits)
  const say = (w: CaptionWarning, platform: Platform) =>
    w.kind === 'variable-empty'
      ? t('captions.warning.variable-empty', { variable: t(`captions.variable.${w.variable}`) })
      : t(`captions.warning.${w.kind}`, {
          count: w.count,
          limit: w.limit,
          platform: t(`label.platform.${platform}`),
        })
  return (
    <List
      size="small"
      dataSource={rendered}
      data-testid="caption-preview"
      renderItem={(r) => {
        const over = r.warnings.some((w) => w.kind !== 'variable-empty')
        return (
          <Card
            size="small"
            style={{ marginBottom: 8, borderColor: over ? '#ff4d4f' : undefined }}
            data-testid={`preview-${r.platform}`}
            data-over={over ? 'true' : 'false'}
            title={t(`label.platform.${r.platform}`)}
            extra={
              <Flex gap={4}>
                <Tag color={r.maxChars !== null && r.chars > r.maxChars ? 'red' : 'default'}>
                  {r.maxChars === null
                    ? t('captions.charsFree', { n: r.chars })
                    : t('captions.chars', { n: r.chars, max: r.maxChars })}
                </Tag>
                <Tag color={r.maxHashtags !== null && r.hashtagCount > r.maxHashtags ? 'red' : 'default'}>
                  {r.maxHashtags === null
                    ? t('captions.hashtagCountFree', { n: r.hashtagCount })
                    : t('captions.hashtagCount', { n: r.hashtagCount, max: r.maxHashtags })}
                </Tag>
              </Flex>
            }
          >
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 4 }}>
              {r.text || '—'}
            </Typography.Paragraph>
            {r.poi && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('captions.location', { poi: r.poi })}
              </Typography.Text>
            )}
            {r.warnings.map((w) => (
              <Typography.Text
                key={w.kind + ('variable' in w ? w.variable : '')}
                type={w.kind === 'variable-empty' ? 'warning' : 'danger'}
                style={{ display: 'block', fontSize: 12 }}
                data-testid={`warning-${r.platform}-${w.kind}`}
              >
                {say(w, r.platform)}
              </Typography.Text>
            ))}
          </Card>
        )
      }}
    />
  )
}
