import { useEffect } from 'react'
import { App, Col, Divider, Flex, Form, Input, InputNumber, Modal, Radio, Row, Select } from 'antd'
import { useTranslation } from 'react-i18next'
import { StrategySchema, type Strategy, type Tag, type Tier } from '../../../../shared/contract/tags'
import {
  CaptionStrategySchema,
  DEFAULT_CAPTION_STRATEGY,
  DEFAULT_TAG_PLATFORMS,
  type CaptionStrategy,
  type Platform,
} from '../../../../shared/contract/publish'
import type { StoreAction } from '../../../../shared/contract/store-actions'
import { errorMessage } from '../../api/client'
import { useCreateTag, useUpdateTag } from '../../api/tags'
import { useVideos } from '../../api/videos'
import { useTemplates } from '../../api/remix'
import { PlatformOrder } from './PlatformOrder'
import { StoreActionOrder } from './StoreActionOrder'
import { TagPagePreview } from './TagPagePreview'

interface TagForm {
  label: string
  videoIds: number[]
  strategy: Strategy
  tier: Tier
  dailyCap: number | null
  platforms: Platform[]
  captionStrategy: CaptionStrategy
  /** A remix tag's template (each tap a new variant; its video is the template's base video). */
  templateId: number | null
  storeActions: StoreAction[]
}

const STRATEGIES = StrategySchema.options
const NONE: Platform[] = []
const NO_STORE_ACTIONS: StoreAction[] = []

/**
 * A new tag, or one tag's placement, videos, strategy, tier, daily cap, publish settings and store actions (null:
 * closed), beside a live preview of the phone page it gives.
 */
export function TagFormModal({ editing, onClose }: { editing: Tag | 'new' | null; onClose: () => void }) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const videos = useVideos()
  const templates = useTemplates()
  const create = useCreateTag()
  const update = useUpdateTag()
  const [form] = Form.useForm<TagForm>()
  const chosen = Form.useWatch('videoIds', form) ?? []
  const label = Form.useWatch('label', form) ?? ''
  const platforms = Form.useWatch('platforms', form) ?? NONE
  const captionStrategy = Form.useWatch('captionStrategy', form) ?? DEFAULT_CAPTION_STRATEGY
  const storeActions = Form.useWatch('storeActions', form) ?? NO_STORE_ACTIONS
  const tagId = editing !== null && editing !== 'new' ? editing.id : null

  useEffect(() => {
    if (editing)
      form.setFieldsValue(
        editing === 'new'
          ? {
              label: '',
              videoIds: [],
              strategy: 'fixed',
              tier: 'normal',
              dailyCap: null,
              platforms: [...DEFAULT_TAG_PLATFORMS],
              captionStrategy: DEFAULT_CAPTION_STRATEGY,
              templateId: null,
              storeActions: [],
            }
          : {
              label: editing.label,
              videoIds: editing.videos.map((v) => v.id),
              strategy: editing.strategy,
              tier: editing.tier,
              dailyCap: editing.dailyCap,
              platforms: editing.platforms,
              captionStrategy: editing.captionStrategy,
              templateId: editing.templateId,
              storeActions: editing.storeActions,
            },
      )
  }, [editing, form])

  const save = async (v: TagForm) => {
    try {
      const strategy = v.videoIds.length > 1 ? v.strategy : 'fixed'
      const templateId = v.templateId ?? null
      if (editing === 'new')
        await create.mutateAsync({ ...v, strategy, templateId, dailyCap: v.dailyCap || null })
      else if (editing)
        await update.mutateAsync({ id: editing.id, ...v, strategy, templateId, dailyCap: v.dailyCap || null })
      message.success(editing === 'new' ? t('tags.created') : t('tags.saved'))
      onClose()
    } catch (err) {
      message.error(errorMessage(err))
    }
  }

  return (
    <Modal
      title={editing === 'new' ? t('tags.add') : t('tags.edit')}
      open={editing !== null}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      okButtonProps={{ 'data-testid': 'tag-save' }}
      width={1040}
      destroyOnHidden
    >
      <Row gutter={32} wrap={false}>
        <Col flex="auto">
          <Form<TagForm>
            form={form}
            layout="vertical"
            onFinish={save}
            onValuesChange={(changed: Partial<TagForm>) => {
              // Choosing a second video means a pool: "always the first" would make the others pointless. (The
              // strategy field mounts only with a pool, so its value is read from the store, not from `all`.)
              if (
                changed.videoIds &&
                changed.videoIds.length > 1 &&
                (form.getFieldValue('strategy') ?? 'fixed') === 'fixed'
              )
                form.setFieldValue('strategy', 'rotate')
              // A remix tag's video is its template's base video: what a tap gets while the pool is dry.
              const base = templates.data?.find((x) => x.id === changed.templateId)?.baseVideoId
              if (base !== undefined) form.setFieldValue('videoIds', [base])
            }}
          >
            <Form.Item name="label" label={t('tags.label')} rules={[{ max: 40 }]}>
              <Input placeholder={t('tags.labelHint')} data-testid="tag-label" />
            </Form.Item>
            <Form.Item
              name="videoIds"
              label={t('tags.videos')}
              extra={t('tags.videosHint')}
              // One rule, one message: two (required, then at least 1) both showed for an empty field.
              rules={[{ required: true, type: 'array', min: 1, message: t('tags.videosRequired') }]}
            >
              <Select
                mode="multiple"
                optionFilterProp="label"
                options={(videos.data ?? []).map((v) => ({ value: v.id, label: v.title }))}
                data-testid="tag-videos"
              />
            </Form.Item>
            <Form.Item name="templateId" label={t('tags.template')} extra={t('tags.templateHint')}>
              <Select
                allowClear
                placeholder={t('tags.noTemplate')}
                options={(templates.data ?? []).map((x) => ({ value: x.id, label: x.name }))}
                data-testid="tag-template"
              />
            </Form.Item>
            {chosen.length > 1 && (
              <Form.Item name="strategy" label={t('tags.strategy')}>
                <Select options={STRATEGIES.map((s) => ({ value: s, label: t(`label.strategy.${s}`) }))} />
              </Form.Item>
            )}
            <Flex gap={16}>
              <Form.Item name="tier" label={t('tags.tier')}>
                <Radio.Group>
                  <Radio.Button value="normal">{t('label.tier.normal')}</Radio.Button>
                  <Radio.Button value="vip">{t('label.tier.vip')}</Radio.Button>
                </Radio.Group>
              </Form.Item>
              <Form.Item
                name="dailyCap"
                label={t('tags.dailyCap')}
                extra={t('tags.dailyCapHint')}
                rules={[
                  {
                    type: 'integer',
                    min: 0,
                    max: 1_000_000,
                    message: t('common.between', { min: 0, max: 1_000_000 }),
                  },
                ]}
              >
                {/* No min: the control would turn a typed 0 into 1 (one phone a day) without a word. */}
                <InputNumber style={{ width: 140 }} data-testid="tag-daily-cap" />
              </Form.Item>
            </Flex>
            <Divider titlePlacement="start">{t('tags.publish')}</Divider>
            <Flex gap={32} wrap>
              <Form.Item
                name="platforms"
                label={t('tags.platforms')}
                extra={t('tags.platformsHelp')}
                style={{ flex: 1 }}
              >
                <PlatformOrder />
              </Form.Item>
              <Form.Item
                name="captionStrategy"
                label={t('tags.captionStrategy')}
                extra={t('tags.captionStrategyHelp')}
                style={{ flex: 1 }}
              >
                <Select
                  data-testid="tag-caption-strategy"
                  options={CaptionStrategySchema.options.map((s) => ({
                    value: s,
                    label: t(`label.captionStrategy.${s}`),
                  }))}
                />
              </Form.Item>
            </Flex>
            <Divider titlePlacement="start">{t('label.storeActions')}</Divider>
            <Form.Item name="storeActions" extra={t('store.tagHelp')}>
              <StoreActionOrder tagId={tagId} />
            </Form.Item>
          </Form>
        </Col>
        <Col flex="none">
          <TagPagePreview
            tagId={tagId}
            values={{ label, videoIds: chosen, platforms, captionStrategy, storeActions }}
          />
        </Col>
      </Row>
    </Modal>
  )
}
