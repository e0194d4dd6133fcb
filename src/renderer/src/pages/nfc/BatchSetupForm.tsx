import {
  App,
  Button,
  Card,
  Collapse,
  Flex,
  Form,
  Input,
  Radio,
  Select,
  Switch,
  Typography,
  type FormInstance,
} from 'antd'
import { ScanOutlined } from '@ant-design/icons'
import { useTranslation } from 'react-i18next'
import type { NfcStatus } from '../../../../shared/contract/nfc'
import type { Strategy, Tier } from '../../../../shared/contract/tags'
import { errorMessage } from '../../api/client'
import { useStartBatch } from '../../api/nfc'
import { useVideos } from '../../api/videos'

export interface BatchForm {
  videoIds: number[]
  strategy: Strategy
  tier: Tier
  labelPrefix: string
  reader: string
  password: string
  currentPassword: string
  lock: boolean
  confirmLock: string
}

const ANY = '__any__'
const PASSWORD = /^[0-9a-fA-F]{8}$/

/**
 * What the next tags deliver, how they are named and protected; then staff place them one after another. The form
 * belongs to the page, so the next batch starts from what the last one used.
 */
export function BatchSetupForm({
  form,
  status,
}: {
  form: FormInstance<BatchForm>
  status: NfcStatus | undefined
}) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const videos = useVideos()
  const start = useStartBatch()
  const chosen = Form.useWatch('videoIds', form) ?? []
  const lock = Form.useWatch('lock', form) ?? false

  const submit = async (v: BatchForm) => {
    try {
      await start.mutateAsync({
        videoIds: v.videoIds,
        strategy: v.videoIds.length > 1 ? v.strategy : undefined,
        tier: v.tier,
        labelPrefix: v.labelPrefix ?? '',
        reader: v.reader && v.reader !== ANY ? v.reader : undefined,
        password: v.password || undefined,
        currentPassword: v.currentPassword || undefined,
        lock: v.lock ?? false,
        confirmLock: v.lock ? v.confirmLock : undefined,
      })
    } catch (err) {
      message.error(errorMessage(err))
    }
  }

  return (
    <Card title={t('nfc.setup')} style={{ marginTop: 16 }} data-testid="batch-setup">
      <Typography.Paragraph type="secondary">{t('nfc.setupHint')}</Typography.Paragraph>
      <Form<BatchForm>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{ strategy: 'rotate', tier: 'normal', labelPrefix: '', reader: ANY, lock: false }}
      >
        <Form.Item
          name="videoIds"
          label={t('tags.videos')}
          rules={[{ required: true, type: 'array', min: 1, message: t('tags.videosRequired') }]}
        >
          <Select
            mode="multiple"
            optionFilterProp="label"
            options={(videos.data ?? [])
              .filter((v) => v.status === 'ready')
              .map((v) => ({ value: v.id, label: v.title }))}
            data-testid="batch-videos"
          />
        </Form.Item>
        {chosen.length > 1 && (
          <Form.Item name="strategy" label={t('tags.strategy')}>
            <Select
              options={(['rotate', 'random', 'least-delivered', 'fixed'] satisfies Strategy[]).map((s) => ({
                value: s,
                label: t(`label.strategy.${s}`),
              }))}
            />
          </Form.Item>
        )}
        <Flex gap={16} wrap>
          <Form.Item
            name="labelPrefix"
            label={t('nfc.prefix')}
            extra={t('nfc.prefixHint')}
            style={{ flex: 1 }}
          >
            <Input maxLength={30} data-testid="batch-prefix" />
          </Form.Item>
          <Form.Item name="tier" label={t('tags.tier')}>
            <Radio.Group>
              <Radio.Button value="normal">{t('label.tier.normal')}</Radio.Button>
              <Radio.Button value="vip">{t('label.tier.vip')}</Radio.Button>
            </Radio.Group>
          </Form.Item>
        </Flex>
        <Form.Item name="reader" label={t('nfc.reader')}>
          <Select
            options={[
              { value: ANY, label: t('nfc.anyReader') },
              ...(status?.readers ?? []).map((r) => ({ value: r.name, label: r.name })),
            ]}
          />
        </Form.Item>
        <Collapse
          size="small"
          style={{ marginBottom: 16 }}
          items={[
            {
              key: 'p',
              label: t('nfc.protection'),
              forceRender: true,
              children: (
                <>
                  <Form.Item
                    name="password"
                    label={t('nfc.password')}
                    extra={t('nfc.passwordHint')}
                    rules={[{ pattern: PASSWORD, message: t('nfc.passwordHint') }]}
                  >
                    <Input.Password autoComplete="off" maxLength={8} />
                  </Form.Item>
                  <Form.Item
                    name="currentPassword"
                    label={t('nfc.currentPassword')}
                    extra={t('nfc.currentPasswordHint')}
                    rules={[{ pattern: PASSWORD, message: t('nfc.passwordHint') }]}
                  >
                    <Input.Password autoComplete="off" maxLength={8} />
                  </Form.Item>
                  <Form.Item
                    name="lock"
                    label={t('nfc.lock')}
                    valuePropName="checked"
                    extra={t('nfc.lockHint')}
                  >
                    <Switch />
                  </Form.Item>
                  {lock && (
                    <Form.Item
                      name="confirmLock"
                      label={t('nfc.lockConfirm')}
                      rules={[{ required: true, pattern: /^LOCK$/, message: t('nfc.lockConfirm') }]}
                    >
                      <Input placeholder="LOCK" />
                    </Form.Item>
                  )}
                </>
              ),
            },
          ]}
        />
        <Button
          type="primary"
          htmlType="submit"
          icon={<ScanOutlined />}
          loading={start.isPending}
          block
          size="large"
          data-testid="batch-start"
        >
          {t('nfc.start')}
        </Button>
      </Form>
    </Card>
  )
}
