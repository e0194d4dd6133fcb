import { App, Divider, Flex, Form, Input, InputNumber, Modal, Select, Typography } from 'antd'
import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ClipAudioSchema, type ClipPin } from '../../../../shared/contract/remix'
import { errorMessage } from '../../api/client'
import { useCreateTemplate, useMusic } from '../../api/remix'
import { useVideos } from '../../api/videos'

interface ClipDraft {
  videoId: number
  pin: ClipPin | null
  inS: number
  outS: number | null
}

/** The template editor: clips on a row of thumbnails (order, pin, in/out points), then the rules. */
/** The form's name for each field the hub may refuse (its API path → the label's key). */
const FIELD_LABELS: Record<string, string> = {
  name: 'remix.name',
  clips: 'remix.clips',
  'rules.clips': 'remix.perVariant',
  'rules.seconds': 'remix.seconds',
  'rules.endCardSeconds': 'remix.endCard',
  'rules.lines': 'remix.lines',
  'rules.musicId': 'remix.music',
}

export function TemplateFormModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const videos = useVideos()
  const music = useMusic()
  const create = useCreateTemplate()
  const [form] = Form.useForm()
  const [clips, setClips] = useState<ClipDraft[]>([])
  const ready = useMemo(() => (videos.data ?? []).filter((v) => v.status === 'ready'), [videos.data])
  const byId = useMemo(() => new Map(ready.map((v) => [v.id, v])), [ready])

  const pick = (ids: number[]) =>
    setClips(
      ids.map((id) => clips.find((c) => c.videoId === id) ?? { videoId: id, pin: null, inS: 0, outS: null }),
    )
  const change = (id: number, patch: Partial<ClipDraft>) =>
    setClips(
      clips.map((c) =>
        c.videoId === id
          ? { ...c, ...patch }
          : patch.pin && c.pin === patch.pin
            ? { ...c, pin: null } // one clip per pinned place
            : c,
      ),
    )

  const submit = async () => {
    const v = await form.validateFields()
    try {
      await create.mutateAsync({
        name: v.name ?? '',
        clips: clips.map((c) => ({
          videoId: c.videoId,
          pin: c.pin,
          inMs: Math.round(c.inS * 1000),
          outMs: c.outS === null ? null : Math.round(c.outS * 1000),
        })),
        rules: {
          clips: v.clips,
          seconds: v.seconds,
          musicId: v.musicId ?? null,
          clipAudio: v.clipAudio,
          endCardSeconds: v.endCardSeconds,
          lines: String(v.lines ?? '')
            .split('\n')
            .map((l: string) => l.trim())
            .filter(Boolean),
        },
      })
      message.success(t('remix.created'))
      setClips([])
      form.resetFields()
      onClose()
    } catch (err) {
      message.error(errorMessage(err, (path) => (FIELD_LABELS[path] ? t(FIELD_LABELS[path]) : null)))
    }
  }

  return (
    <Modal
      open={open}
      title={t('remix.newTemplate')}
      onCancel={onClose}
      onOk={submit}
      okText={t('common.create')}
      confirmLoading={create.isPending}
      width={820}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ clips: 3, seconds: 15, clipAudio: 'duck', endCardSeconds: 1.5 }}
      >
        <Form.Item label={t('remix.name')} name="name">
          <Input maxLength={40} data-testid="template-name" />
        </Form.Item>
        <Form.Item label={t('remix.clips')} extra={t('remix.clipsHint')} required>
          <Select
            mode="multiple"
            value={clips.map((c) => c.videoId)}
            onChange={pick}
            options={ready.map((v) => ({ value: v.id, label: v.title }))}
            data-testid="template-videos"
          />
        </Form.Item>
        <Flex gap={10} wrap style={{ marginBottom: 16 }} data-testid="template-timeline">
          {clips.map((c, i) => {
            const v = byId.get(c.videoId)
            return (
              <div
                key={c.videoId}
                style={{ width: 150, border: '1px solid rgba(0,0,0,0.1)', borderRadius: 8, padding: 6 }}
              >
                {v?.thumbUrl ? (
                  <img src={v.thumbUrl} alt="" style={{ width: '100%', borderRadius: 4, display: 'block' }} />
                ) : null}
                <Typography.Text ellipsis style={{ display: 'block', fontSize: 12, marginTop: 4 }}>
                  {i + 1}. {v?.title}
                </Typography.Text>
                <Select
                  size="small"
                  style={{ width: '100%', marginTop: 4 }}
                  value={c.pin ?? 'none'}
                  onChange={(p: string) => change(c.videoId, { pin: p === 'none' ? null : (p as ClipPin) })}
                  options={(['none', 'first', 'last'] as const).map((p) => ({
                    value: p,
                    label: t(`remix.pinMode.${p}`),
                  }))}
                />
                <Flex gap={4} style={{ marginTop: 4 }}>
                  <InputNumber
                    size="small"
                    min={0}
                    step={0.5}
                    value={c.inS}
                    onChange={(n) => change(c.videoId, { inS: n ?? 0 })}
                    aria-label={t('remix.inOut')}
                  />
                  <InputNumber
                    size="small"
                    min={0.5}
                    step={0.5}
                    max={v ? v.durationMs / 1000 : undefined}
                    value={c.outS ?? (v ? v.durationMs / 1000 : null)}
                    onChange={(n) => change(c.videoId, { outS: n })}
                    aria-label={t('remix.inOut')}
                  />
                </Flex>
              </div>
            )
          })}
        </Flex>
        <Divider style={{ margin: '8px 0 16px' }} />
        <Flex gap={16} wrap>
          {/* Ranges as rules, not min/max on the controls: those would change what was typed without a word. */}
          <Form.Item
            label={t('remix.perVariant')}
            name="clips"
            rules={[
              { required: true },
              { type: 'integer', min: 1, max: 20, message: t('common.between', { min: 1, max: 20 }) },
            ]}
          >
            <InputNumber />
          </Form.Item>
          <Form.Item
            label={t('remix.seconds')}
            name="seconds"
            rules={[
              { required: true },
              { type: 'number', min: 2, max: 120, message: t('common.range', { min: 2, max: 120 }) },
            ]}
          >
            <InputNumber />
          </Form.Item>
          <Form.Item
            label={t('remix.endCard')}
            name="endCardSeconds"
            rules={[{ type: 'number', min: 0, max: 5, message: t('common.range', { min: 0, max: 5 }) }]}
          >
            <InputNumber step={0.5} />
          </Form.Item>
        </Flex>
        <Flex gap={16} wrap>
          <Form.Item label={t('remix.music')} name="musicId" style={{ minWidth: 240 }}>
            <Select
              allowClear
              placeholder={t('remix.noMusic')}
              options={(music.data ?? []).map((m) => ({ value: m.id, label: m.title }))}
            />
          </Form.Item>
          <Form.Item label={t('remix.clipAudio')} name="clipAudio" style={{ minWidth: 200 }}>
            <Select
              options={ClipAudioSchema.options.map((m) => ({
                value: m,
                label: t(`remix.clipAudioMode.${m}`),
              }))}
            />
          </Form.Item>
        </Flex>
        <Form.Item label={t('remix.lines')} name="lines">
          <Input.TextArea rows={3} />
        </Form.Item>
      </Form>
    </Modal>
  )
}
