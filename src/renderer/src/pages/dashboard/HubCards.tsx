import { Card, Descriptions, Flex, Statistic, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { HubInfo } from '../../../../shared/contract/hub'
import type { Dashboard } from '../../../../shared/contract/monitoring'
import { CopyText } from '../../components/CopyText'
import { formatBytes, formatTime } from '../../format'

/** Transcodes running, waiting and failed, and which videos are being transcoded now. */
export function JobsCard({ jobs }: { jobs: Dashboard['jobs'] | undefined }) {
  const { t } = useTranslation()
  return (
    <Card size="small" title={t('dashboard.jobs')} style={{ height: '100%' }} data-testid="jobs">
      <Flex gap={24} wrap>
        <Statistic title={t('dashboard.jobsRunning')} value={jobs?.running ?? 0} />
        <Statistic title={t('dashboard.jobsQueued')} value={jobs?.queued ?? 0} />
        <Statistic
          title={t('dashboard.jobsFailed')}
          value={jobs?.failedVideos ?? 0}
          styles={{ content: { color: jobs?.failedVideos ? '#cf1322' : undefined } }}
        />
      </Flex>
      {jobs?.current.map((j) => (
        <Typography.Text key={j.videoId} type="secondary" style={{ display: 'block', marginTop: 8 }}>
          {t('dashboard.transcoding', { title: j.title })}
        </Typography.Text>
      ))}
    </Card>
  )
}

/** The hub itself: its addresses, version, database, latest backup and data folder. */
export function HubCard({ info }: { info: HubInfo | null }) {
  const { t } = useTranslation()
  return (
    <Card size="small" title={t('dashboard.hub')} style={{ height: '100%' }}>
      {info && (
        <Descriptions column={1} size="small" data-testid="hub-info">
          <Descriptions.Item label={t('dashboard.tagUrl')}>
            <CopyText text={info.publicUrl} testId="public-url" />
          </Descriptions.Item>
          <Descriptions.Item label={t('dashboard.phoneUrl')}>
            {info.lanUrl ? <CopyText text={info.lanUrl} /> : '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('dashboard.version')}>
            {info.version} ·{' '}
            {info.shell === 'electron' ? t('dashboard.shellElectron') : t('dashboard.shellHeadless')}
            {' · '}
            {t('dashboard.database')} {formatBytes(info.databaseBytes)}
          </Descriptions.Item>
          <Descriptions.Item label={t('dashboard.backup')}>
            <span data-testid="hub-backup">
              {info.backups.latest
                ? t('dashboard.backupLatest', {
                    when: formatTime(info.backups.latest.at),
                    kept: info.backups.kept,
                  })
                : t('dashboard.backupNone')}
            </span>
          </Descriptions.Item>
          <Descriptions.Item label={t('dashboard.dataDir')}>
            <Typography.Text code>{info.dataDir}</Typography.Text>
          </Descriptions.Item>
        </Descriptions>
      )}
    </Card>
  )
}
