import { useEffect, useState } from 'react'
import { App, Col, Form, Input, Modal, Row, Select, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { Caption } from '../../../../shared/contract/captions'
import { PlatformSchema, type Platform } from '../../../../shared/contract/publish'
import type { CaptionProblem } from '../../../../shared/captions/rules'
import { captionDate } from '../../../../shared/captions/variables'
import { errorMessage } from '../../api/client'
import { useCreateCaption, usePublishSettings, useUpdateCaption } from '../../api/captions'
import { CaptionPreview } from './CaptionPreview'
import { CAPTION_FIELDS, contentOf, fieldProblems, formValuesOf, type CaptionFormValues } from './fields'

/** Whose captions: a video's, or a tag's (which may also be for one of its videos). */
export type CaptionOwner =
  { videoId: number } | { tagId: number; videos: Array<{ id: number; title: string }>; platforms: Platform[] }

/** A new caption, or one caption's words, hashtags, mentions and location, beside what each platform receives. */
export function CaptionFormModal({
  owner,
  editing,
  placement,
  onClose,
}: {
  owner: CaptionOwner
  editing: Caption | 'new' | null
  /** The tag's placement label the preview fills in for {标签位置}. */
  placement: string
  onClose: () => void
}) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const settings = usePublishSettings()
  const create = useCreateCaption()
  const update = useUpdateCaption()
  const [form] = Form.useForm<CaptionFormValues>()
  const values = Form.useWatch([], form) as Partial<CaptionFormValues> | undefined
  // The preview's {日期}: today, as the page was opened.
  const [today] = useState(() => Date.now())

  useEffect(() => {
    if (editing) form.setFieldsValue(formValuesOf(editing === 'new' ? null : editing))
  }, [editing, form])

  const say = (p: CaptionProblem) =>
    t(`captions.problem.${p.kind}`, { ...p, name: p.kind === 'unknown-variable' ? `{${p.name}}` : undefined })

  const save = async (v: CaptionFormValues) => {
    const content = contentOf(v)
    try {
      if (editing === 'new') {
        const forVideo = 'tagId' in owner ? v.forVideo || null : owner.videoId
        await create.mutateAsync({
          ...content,
          videoId: forVideo,
          tagId: 'tagId' in owner ? owner.tagId : null,
        })
        message.success(t('captions.created'))
      } else if (editing) {
        await update.mutateAsync({ id: editing.id, ...content })
        message.success(t('captions.saved'))
      }
      onClose()
    } catch (err) {
      message.error(errorMessage(err))
    }
  }

  const s = settings.data
  const platforms = 'tagId' in owner && owner.platforms.length > 0 ? owner.platforms : undefined
  return (
    <Modal
      title={editing === 'new' ? t('captions.add') : t('captions.edit')}
      open={editing !== null}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      okButtonProps={{ 'data-testid': 'caption-save', loading: create.isPending || update.isPending }}
      width={1000}
      destroyOnHidden
    >
      <Row gutter={24}>
        <Col span={12}>
          <Form<CaptionFormValues> form={form} layout="vertical" onFinish={save}>
            {CAPTION_FIELDS.map((f) => (
              <Form.Item
                key={f.key}
                name={f.key}
                label={t(f.label)}
                extra={t(f.help)}
                // Checked here by the hub's own rules, so a refusal reads in the console's language.
                rules={[
                  ({ getFieldsValue }) => ({
                    validator: async () => {
                      const problems = fieldProblems(getFieldsValue(true), f.key)
                      if (problems.length) throw new Error(problems.map(say).join('；'))
                    },
                  }),
                ]}
              >
                {f.kind === 'textarea' ? (
                  <Input.TextArea
                    autoSize={{ minRows: 3, maxRows: 8 }}
                    maxLength={f.maxLength}
                    data-testid={f.testId}
                  />
                ) : f.kind === 'words' ? (
                  <Select
                    mode="tags"
                    tokenSeparators={[',', '，']}
                    notFoundContent={null}
                    suffixIcon={null}
                    data-testid={f.testId}
                  />
                ) : (
                  <Input maxLength={f.maxLength} data-testid={f.testId} />
                )}
              </Form.Item>
            ))}
            {'tagId' in owner && editing === 'new' && owner.videos.length > 0 && (
              <Form.Item name="forVideo" label={t('captions.forVideo')}>
                <Select
                  data-testid="caption-for-video"
                  options={[
                    { value: 0, label: t('captions.forVideoAll') },
                    ...owner.videos.map((v) => ({
                      value: v.id,
                      label: t('captions.forVideoOne', { title: v.title }),
                    })),
                  ]}
                />
              </Form.Item>
            )}
          </Form>
        </Col>
        <Col span={12}>
          <Typography.Title level={5} style={{ marginTop: 0 }}>
            {t('captions.preview')}
          </Typography.Title>
          {s && (
            <>
              <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
                {t('captions.previewValues', {
                  store: s.storeName ?? t('captions.notSet'),
                  date: captionDate(today, s.language),
                  placement: placement || t('captions.notSet'),
                })}
              </Typography.Paragraph>
              <div style={{ maxHeight: 520, overflowY: 'auto' }}>
                <CaptionPreview
                  content={contentOf(values ?? {})}
                  values={{
                    store: s.storeName ?? '',
                    date: captionDate(today, s.language),
                    placement,
                  }}
                  platforms={platforms ?? PlatformSchema.options}
                  limits={s.limits}
                />
              </div>
            </>
          )}
        </Col>
      </Row>
    </Modal>
  )
}
