import { Card, Flex, Space, Tag as AntTag, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { Batch } from '../../../../shared/contract/nfc'
import { useVideos } from '../../api/videos'
import { STATE_COLOR } from './batchState'

/** What the running batch writes, so staff at the counter can check before placing the next tag. */
export function BatchSummary({ batch }: { batch: Batch }) {
  const { t } = useTranslation()
  const videos = useVideos()
  const titles = batch.videoIds.map((id) => videos.data?.find((v) => v.id === id)?.title ?? `#${id}`)
  const counts = (['ok', 'known', 'needs-confirmation', 'failed'] as const).map((s) => ({
    s,
    n: batch.items.filter((i) => i.state === s || (s === 'known' && i.state === 'rebound')).length,
  }))
  return (
    <Card title={t('nfc.running')} style={{ marginTop: 16 }} size="small">
      <Flex vertical gap={8}>
        <Typography.Text>
          <Typography.Text type="secondary">{t('tags.videos')}: </Typography.Text>
          {titles.join(' · ')}
        </Typography.Text>
        {batch.labelPrefix && (
          <Typography.Text>
            <Typography.Text type="secondary">{t('nfc.prefix')}: </Typography.Text>
            {batch.labelPrefix}01, {batch.labelPrefix}02 …
          </Typography.Text>
        )}
        <Space wrap>
          {batch.tier === 'vip' && <AntTag color="gold">VIP</AntTag>}
          {batch.password && <AntTag color="purple">{t('nfc.password')}</AntTag>}
          {batch.lock && <AntTag color="red">{t('nfc.lock')}</AntTag>}
        </Space>
        <Flex gap={8} wrap>
          {counts.map(({ s, n }) => (
            <AntTag key={s} color={STATE_COLOR[s]} style={{ fontSize: 13, padding: '2px 10px' }}>
              {t(`label.batchItemState.${s}`)} {n}
            </AntTag>
          ))}
        </Flex>
      </Flex>
    </Card>
  )
}
