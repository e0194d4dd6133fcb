import { Flex, Progress, Tag, Tooltip, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { Video, VideoStatus as Status } from '../../../shared/contract/videos'
import { useTranscodeProgress } from '../api/progress'
import { formatDuration } from '../format'

const COLOR = {
  queued: 'default',
  processing: 'processing',
  ready: 'success',
  failed: 'error',
} as const satisfies Record<Status, string>

/** Status tag, and while transcoding a live progress bar with speed and time left. */
export function VideoStatus({ video }: { video: Video }) {
  const { t } = useTranslation()
  const live = useTranscodeProgress(video.id)
  const p = live ?? video.job?.progress ?? null
  return (
    <Flex
      vertical
      gap={4}
      style={{ minWidth: 180 }}
      data-testid={`status-${video.id}`}
      data-status={video.status}
    >
      <div>
        <Tag color={COLOR[video.status]}>{t(`label.videoStatus.${video.status}`)}</Tag>
        {video.job?.raised && video.status === 'queued' && <Tag color="gold">{t('videos.raised')}</Tag>}
      </div>
      {video.status === 'processing' && (
        <>
          <div data-testid={`progress-${video.id}`} data-percent={Math.floor(p?.percent ?? 0)}>
            <Progress percent={Math.floor(p?.percent ?? 0)} size="small" status="active" />
          </div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {[
              p?.speed ? t('videos.speed', { speed: p.speed.toFixed(1) }) : null,
              p?.etaSeconds != null
                ? t('videos.eta', { eta: formatDuration(Math.ceil(p.etaSeconds) * 1000) })
                : null,
            ]
              .filter(Boolean)
              .join(' · ')}
          </Typography.Text>
        </>
      )}
      {video.status === 'queued' && video.job && video.job.attempts > 0 && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('videos.attempts', { n: video.job.attempts, max: video.job.maxAttempts })}
        </Typography.Text>
      )}
      {video.status === 'failed' && video.error && (
        <Tooltip title={<pre style={{ whiteSpace: 'pre-wrap', margin: 0, fontSize: 11 }}>{video.error}</pre>}>
          <Typography.Text type="danger" style={{ fontSize: 12 }} ellipsis>
            {video.error.split('\n').filter(Boolean).pop()}
          </Typography.Text>
        </Tooltip>
      )}
    </Flex>
  )
}
