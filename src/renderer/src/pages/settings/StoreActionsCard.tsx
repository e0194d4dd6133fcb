import { useEffect } from 'react'
import { App, Button, Card, Divider, Flex, Form, Input, Popconfirm, Typography, Upload } from 'antd'
import { DeleteOutlined, UploadOutlined } from '@ant-design/icons'
import { useTranslation } from 'react-i18next'
import { MAX_QR_IMAGE_BYTES, ReviewUrlSchema } from '../../../../shared/contract/store-actions'
import { errorMessage } from '../../api/client'
import { useSetWechatQr, useStoreActions, useUpdateStoreActions, wechatQrUrl } from '../../api/store-actions'
import { formatBytes, formatTime } from '../../format'

/** The file as base64, as store-wechat-qr-set takes it (the hub checks the bytes). */
async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer())
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}

/**
 * The store-wide values of the blocks a tag can show beside the video (门店福利): the review link, the WeChat QR
 * image, and where the Wi-Fi is set (the NFC section of this page). Admins only, like the rest of Settings.
 */
export function StoreActionsCard() {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const query = useStoreActions()
  const update = useUpdateStoreActions()
  const setQr = useSetWechatQr()
  const [form] = Form.useForm<{ reviewUrl: string }>()
  const view = query.data

  useEffect(() => {
    if (view) form.setFieldsValue({ reviewUrl: view.reviewUrl ?? '' })
  }, [view, form])

  const saveReview = async ({ reviewUrl }: { reviewUrl: string }) => {
    try {
      await update.mutateAsync({ reviewUrl: reviewUrl.trim() || null })
      message.success(t('store.reviewSaved'))
    } catch (err) {
      message.error(errorMessage(err))
    }
  }

  const upload = async (file: File) => {
    if (file.size > MAX_QR_IMAGE_BYTES)
      return void message.error(t('store.qrTooLarge', { max: formatBytes(MAX_QR_IMAGE_BYTES) }))
    try {
      await setQr.mutateAsync({ image: await base64Of(file) })
      message.success(t('store.qrSaved'))
    } catch (err) {
      message.error(errorMessage(err))
    }
  }

  const removeQr = async () => {
    try {
      await setQr.mutateAsync({ image: null })
      message.success(t('store.qrRemoved'))
    } catch (err) {
      message.error(errorMessage(err))
    }
  }

  const goToWifi = () => {
    const input = document.querySelector<HTMLInputElement>('[data-testid="settings-wifi-ssid"]')
    input?.scrollIntoView({ block: 'center', behavior: 'smooth' })
    input?.focus({ preventScroll: true })
  }

  const qr = view?.wechatQr ?? null
  return (
    <Card title={t('label.storeActions')} style={{ marginTop: 16 }} data-testid="store-actions-card">
      <Typography.Paragraph type="secondary">{t('store.help')}</Typography.Paragraph>

      <Typography.Text strong>{t('label.storeAction.wifi')}</Typography.Text>
      <Flex align="baseline" gap={8} wrap style={{ marginTop: 4 }} data-testid="store-wifi">
        <Typography.Text type={view && !view.wifi.ssid ? 'warning' : undefined}>
          {view?.wifi.ssid ? t('store.wifiNow', { ssid: view.wifi.ssid }) : t('store.wifiNone')}
        </Typography.Text>
        <Button
          type="link"
          size="small"
          onClick={goToWifi}
          style={{ padding: 0 }}
          data-testid="store-wifi-go"
        >
          {t('store.wifiWhere', { section: t('settings.nfcSection') })}
        </Button>
      </Flex>

      <Divider />
      <Form form={form} layout="vertical" onFinish={saveReview} disabled={!view}>
        <Form.Item
          name="reviewUrl"
          label={<Typography.Text strong>{t('store.reviewUrl')}</Typography.Text>}
          extra={t('store.reviewUrlHelp')}
          rules={[
            {
              // The hub checks the same schema; an empty field removes the link.
              validator: (_r, v: string | undefined) => {
                if (!v?.trim()) return Promise.resolve()
                const ok = ReviewUrlSchema.safeParse(v)
                return ok.success ? Promise.resolve() : Promise.reject(new Error(t('store.reviewUrlBad')))
              },
            },
          ]}
        >
          <Input
            placeholder="https://www.dianping.com/shop/…"
            maxLength={500}
            data-testid="store-review-url"
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={update.isPending} data-testid="store-review-save">
          {t('common.save')}
        </Button>
      </Form>

      <Divider />
      <Typography.Text strong>{t('store.qr')}</Typography.Text>
      <Typography.Paragraph type="secondary" style={{ marginTop: 4 }}>
        {t('store.qrHelp', { max: formatBytes(MAX_QR_IMAGE_BYTES) })}
      </Typography.Paragraph>
      <Flex gap={16} align="flex-start">
        {qr ? (
          <img
            src={wechatQrUrl(qr.updatedAt)}
            alt={t('store.qr')}
            width={144}
            height={144}
            style={{ objectFit: 'contain', border: '1px solid #f0f0f0', borderRadius: 8, background: '#fff' }}
            data-testid="store-qr-image"
          />
        ) : (
          <Flex
            align="center"
            justify="center"
            style={{ width: 144, height: 144, border: '1px dashed #d9d9d9', borderRadius: 8, padding: 12 }}
          >
            <Typography.Text
              type="warning"
              style={{ fontSize: 12, textAlign: 'center' }}
              data-testid="store-qr-none"
            >
              {t('store.qrNone')}
            </Typography.Text>
          </Flex>
        )}
        <Flex vertical gap={8} align="flex-start">
          {qr && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="store-qr-info">
              {t('store.qrInfo', {
                width: qr.width,
                height: qr.height,
                size: formatBytes(qr.bytes),
                time: formatTime(qr.updatedAt),
              })}
            </Typography.Text>
          )}
          <Upload
            accept="image/png,image/jpeg"
            showUploadList={false}
            disabled={!view || setQr.isPending}
            beforeUpload={(file) => {
              // Sent through the API as base64, not as a multipart upload.
              void upload(file)
              return false
            }}
          >
            <Button icon={<UploadOutlined />} loading={setQr.isPending} data-testid="store-qr-upload">
              {qr ? t('store.qrReplace') : t('store.qrUpload')}
            </Button>
          </Upload>
          {qr && (
            <Popconfirm
              title={t('store.qrRemoveConfirm')}
              okText={t('store.qrRemove')}
              cancelText={t('common.cancel')}
              okButtonProps={{ danger: true }}
              onConfirm={() => removeQr()}
            >
              <Button danger icon={<DeleteOutlined />} data-testid="store-qr-remove">
                {t('store.qrRemove')}
              </Button>
            </Popconfirm>
          )}
        </Flex>
      </Flex>
    </Card>
  )
}
