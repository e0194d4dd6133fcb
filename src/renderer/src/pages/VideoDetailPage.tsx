import { useEffect, useState } from 'react'
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Form,
  Input,
  Row,
  Segmented,
  Table,
  Typography,
} from 'antd'
import { ArrowLeftOutlined, DownloadOutlined } from '@ant-design/icons'
import { Link, useNavigate, useParams } from 'react-router-dom'
import { useTranslation } from 'react-i18next'
import type { Rendition } from '../../../shared/contract/videos'
import { errorMessage } from '../api/client'
import { useUpdateVideo, useVideo } from '../api/videos'
import { useTags } from '../api/tags'
import { CaptionsCard } from './captions/CaptionsCard'
import { useAuth } from '../auth/AuthContext'
import { VideoStatus } from '../components/VideoStatus'
import { VideoActions } from '../components/VideoActions'
import { actorLabel } from '../actor'
import { formatBitrate, formatBytes, formatClock, formatTime } from '../format'

export function VideoDetailPage() {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const { user } = useAuth()
  const navigate = useNavigate()
  const id = Number(useParams().id)
  const query = useVideo(id)
  const update = useUpdateVideo()
  const tags = useTags()
  const video = query.data
  const [label, setLabel] = useState<string | null>(null)
  const [form] = Form.useForm<{ title: string; description: string }>()

  useEffect(() => {
    if (video) form.setFieldsValue({ title: video.title, description: video.description })
  }, [video, form])

  if (query.error) return <Alert type="error" showIcon title={errorMessage(query.error)} />
  if (!video) return <Card loading />
  const playing = video.renditions.find((r) => r.label === label) ?? video.renditions[0]
  // Headquarters' videos are read-only at a store (the hub refuses edits with chain-read-only).
  const canEdit =
    video.origin !== 'chain' &&
    user &&
    (user.role === 'admin' || (user.role === 'staff' && video.uploaderId === user.id))
  // {标签位置} is the tapped tag's: the preview shows the first tag that delivers this video.
  const placement = (tags.data ?? []).find((x) => x.videos.some((v) => v.id === id))?.label ?? ''

  return (
    <>
      <Link to="/videos">
        <Button type="link" icon={<ArrowLeftOutlined />} style={{ paddingLeft: 0 }}>
          {t('videos.detail.back')}
        </Button>
      </Link>
      <Row justify="space-between" align="middle" style={{ marginBottom: 16 }} gutter={16}>
        <Col>
          <Typography.Title level={3} style={{ margin: 0 }} data-testid="video-title">
            {video.title}
          </Typography.Title>
        </Col>
        <Col>
          <VideoActions video={video} size="middle" onDeleted={() => navigate('/videos')} />
        </Col>
      </Row>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Card
            title={t('videos.detail.preview')}
            extra={
              video.renditions.length > 1 && (
                <Segmented
                  size="small"
                  value={playing?.label}
                  options={video.renditions.map((r) => r.label)}
                  onChange={(v) => setLabel(String(v))}
                />
              )
            }
          >
            {playing ? (
              <video
                key={playing.url}
                src={playing.url}
                poster={video.posterUrl ?? undefined}
                controls
                preload="metadata"
                style={{ width: '100%', maxHeight: 480, background: '#000', borderRadius: 8 }}
                data-testid="preview-player"
              />
            ) : (
              <Empty description={t('videos.detail.notReady')} />
            )}
            <div style={{ marginTop: 12 }}>
              <VideoStatus video={video} />
            </div>
            {video.status === 'failed' && video.error && (
              <Alert
                type="error"
                showIcon
                style={{ marginTop: 12 }}
                title={t('videos.detail.error')}
                description={
                  <pre style={{ whiteSpace: 'pre-wrap', fontSize: 12, margin: 0 }}>{video.error}</pre>
                }
              />
            )}
          </Card>
          <Card
            title={t('videos.detail.renditions')}
            style={{ marginTop: 16 }}
            styles={{ body: { padding: 0 } }}
          >
            <Table<Rendition>
              rowKey="label"
              size="small"
              pagination={false}
              dataSource={video.renditions}
              data-testid="renditions-table"
              columns={[
                { title: t('videos.detail.rendition'), dataIndex: 'label' },
                { title: 'W×H', key: 'wh', render: (_v, r) => `${r.width}×${r.height}` },
                {
                  title: t('videos.col.size'),
                  dataIndex: 'sizeBytes',
                  render: (n: number) => formatBytes(n),
                },
                {
                  title: t('videos.detail.bitrate'),
                  dataIndex: 'bitRate',
                  render: (b: number | null) => formatBitrate(b),
                },
                {
                  title: '',
                  key: 'dl',
                  render: (_v, r) => (
                    <a href={r.url} download={`${video.title}-${r.label}.mp4`}>
                      <DownloadOutlined /> {t('videos.detail.download')}
                    </a>
                  ),
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card title={t('videos.detail.metadata')}>
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('videos.detail.originalName')}>
                {video.originalName}
              </Descriptions.Item>
              <Descriptions.Item label={t('videos.col.length')}>
                {formatClock(video.durationMs)}
              </Descriptions.Item>
              <Descriptions.Item label="W×H">
                {video.width}×{video.height}
                {video.rotation ? ` (${t('videos.detail.rotation')} ${video.rotation}°)` : ''}
              </Descriptions.Item>
              <Descriptions.Item label={t('videos.detail.codecs')}>
                {video.container.split(',')[0]} · {video.videoCodec} ·{' '}
                {video.audioCodec ?? t('videos.detail.noAudio')}
              </Descriptions.Item>
              <Descriptions.Item label={t('videos.detail.frameRate')}>
                {video.frameRate ? `${video.frameRate.toFixed(2)} fps` : '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('videos.detail.bitrate')}>
                {formatBitrate(video.bitRate)}
              </Descriptions.Item>
              <Descriptions.Item label={t('videos.col.size')}>
                {formatBytes(video.sizeBytes)}
              </Descriptions.Item>
              <Descriptions.Item label={t('videos.col.uploader')}>
                {actorLabel(t, video.uploader)}
              </Descriptions.Item>
              <Descriptions.Item label={t('videos.col.created')}>
                {formatTime(video.createdAt)}
              </Descriptions.Item>
              <Descriptions.Item label={t('videos.detail.sha256')}>
                <Typography.Text code copyable style={{ fontSize: 11 }}>
                  {video.sha256.slice(0, 16)}…
                </Typography.Text>
              </Descriptions.Item>
            </Descriptions>
          </Card>
          <Card title={t('videos.detail.edit')} style={{ marginTop: 16 }}>
            <Form
              form={form}
              layout="vertical"
              disabled={!canEdit}
              onFinish={async (v) => {
                try {
                  await update.mutateAsync({ id, title: v.title, description: v.description })
                  message.success(t('videos.detail.saved'))
                } catch (err) {
                  message.error(errorMessage(err))
                }
              }}
            >
              <Form.Item
                name="title"
                label={t('videos.detail.titleLabel')}
                rules={[{ required: true }, { max: 120 }]}
              >
                <Input data-testid="edit-title" />
              </Form.Item>
              <Form.Item name="description" label={t('videos.detail.description')} rules={[{ max: 2000 }]}>
                <Input.TextArea rows={3} />
              </Form.Item>
              <Button type="primary" htmlType="submit" data-testid="edit-save">
                {t('common.save')}
              </Button>
            </Form>
          </Card>
        </Col>
        <Col span={24}>
          <CaptionsCard owner={{ videoId: id }} placement={placement} />
        </Col>
      </Row>
    </>
  )
}
