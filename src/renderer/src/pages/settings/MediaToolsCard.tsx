import { Card, Descriptions, Flex, Tag, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { SettingsView } from '../../../../shared/contract/hub'

/** Which ffmpeg and ffprobe the hub uses, where they came from, and the transcode preset. */
export function MediaToolsCard({ view }: { view: SettingsView | null }) {
  const { t } = useTranslation()
  return (
    <Card title={t('settings.media')} style={{ marginTop: 16 }} data-testid="media-tools">
      {view && (
        <Descriptions column={1} size="small">
          {(['ffmpeg', 'ffprobe'] as const).map((tool) => {
            const b = view.media[tool]
            return (
              <Descriptions.Item key={tool} label={t(`settings.${tool}`)}>
                {b ? (
                  <Flex vertical>
                    <Typography.Text code style={{ fontSize: 12 }}>
                      {b.path}
                    </Typography.Text>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {t(`settings.source.${b.source}`)} · {b.version?.replace(/ Copyright.*$/, '') ?? '?'}
                    </Typography.Text>
                  </Flex>
                ) : (
                  <Tag color="red">{t('settings.missing')}</Tag>
                )}
              </Descriptions.Item>
            )
          })}
          <Descriptions.Item label={t('settings.ladder')}>
            <Typography.Text code>{view.media.ladder}</Typography.Text>
          </Descriptions.Item>
        </Descriptions>
      )}
    </Card>
  )
}
