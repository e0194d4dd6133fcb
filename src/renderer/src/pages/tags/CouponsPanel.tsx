import { useState } from 'react'
import { Alert, App, Button, Flex, Input, Statistic, Typography, Upload } from 'antd'
import { DeleteOutlined, FileTextOutlined, ImportOutlined } from '@ant-design/icons'
import { useTranslation } from 'react-i18next'
import type { Tag } from '../../../../shared/contract/tags'
import { errorMessage } from '../../api/client'
import { useClearCoupons, useCouponSummary, useImportCoupons } from '../../api/store-actions'
import { MAX_CODES_PER_IMPORT, parseCouponCodes } from './coupon-codes'

/**
 * A tag's coupon codes: how many were imported, given and left; staff and admins import more (pasted, or a .txt
 * file, one a line) and clear the ones nobody was given. Viewers see the counts.
 */
export function CouponsPanel({ tag, canEdit }: { tag: Tag; canEdit: boolean }) {
  const { t } = useTranslation()
  const { message, modal } = App.useApp()
  const summary = useCouponSummary(tag.id)
  const importCodes = useImportCoupons()
  const clear = useClearCoupons()
  const [text, setText] = useState('')
  const parsed = parseCouponCodes(text)
  const total = summary.data?.total ?? 0
  const claimed = summary.data?.claimed ?? 0
  const left = total - claimed

  const submit = async () => {
    if (parsed.badLines.length > 0)
      return void message.error(
        t('store.coupons.badLines', { lines: parsed.badLines.slice(0, 5).join(', ') }),
      )
    if (parsed.codes.length > MAX_CODES_PER_IMPORT)
      return void message.error(t('store.coupons.tooMany', { n: MAX_CODES_PER_IMPORT }))
    try {
      const r = await importCodes.mutateAsync({ tagId: tag.id, codes: parsed.codes })
      message.success(t('store.coupons.imported', { added: r.added, duplicates: r.duplicates }))
      setText('')
    } catch (err) {
      message.error(errorMessage(err))
    }
  }

  const confirmClear = () =>
    modal.confirm({
      title: t('store.coupons.clearConfirm', { n: left, label: tag.label || tag.code }),
      content: t('store.coupons.clearKeeps'),
      okText: t('store.coupons.clear'),
      cancelText: t('common.cancel'),
      okButtonProps: { danger: true },
      onOk: async () => {
        try {
          await clear.mutateAsync({ tagId: tag.id })
          message.success(t('store.coupons.cleared'))
        } catch (err) {
          message.error(errorMessage(err))
        }
      },
    })

  return (
    <Flex vertical gap={16} data-testid="coupons-panel">
      {!tag.storeActions.includes('coupon') && (
        <Alert type="info" showIcon title={t('store.coupons.notOffered')} data-testid="coupons-not-offered" />
      )}
      <Flex gap={48}>
        <Statistic title={t('store.coupons.total')} value={total} data-testid="coupon-total" />
        <Statistic title={t('store.coupons.claimed')} value={claimed} data-testid="coupon-claimed" />
        <Statistic title={t('store.coupons.left')} value={left} data-testid="coupon-left" />
      </Flex>
      {canEdit && (
        <>
          <Flex vertical gap={8}>
            <Typography.Text strong>{t('store.coupons.importTitle')}</Typography.Text>
            <Typography.Text type="secondary">{t('store.coupons.importHelp')}</Typography.Text>
            <Input.TextArea
              value={text}
              onChange={(e) => setText(e.target.value)}
              rows={8}
              placeholder={'SPRING-001\nSPRING-002'}
              style={{ fontFamily: 'monospace' }}
              data-testid="coupon-codes"
            />
            <Flex justify="space-between" align="center" gap={8}>
              <Upload
                accept=".txt,text/plain"
                showUploadList={false}
                beforeUpload={(file) => {
                  // Read here; the codes go to the hub with the import, not as an upload.
                  void file
                    .text()
                    .then((body) => setText((before) => (before.trim() ? `${before}\n${body}` : body)))
                  return false
                }}
              >
                <Button icon={<FileTextOutlined />} data-testid="coupon-file">
                  {t('store.coupons.fromFile')}
                </Button>
              </Upload>
              <Typography.Text
                type={parsed.badLines.length ? 'danger' : 'secondary'}
                data-testid="coupon-count"
              >
                {parsed.badLines.length
                  ? t('store.coupons.badLines', { lines: parsed.badLines.slice(0, 5).join(', ') })
                  : t('store.coupons.count', { n: parsed.codes.length })}
              </Typography.Text>
              <Button
                type="primary"
                icon={<ImportOutlined />}
                disabled={parsed.codes.length === 0 || parsed.badLines.length > 0}
                loading={importCodes.isPending}
                onClick={() => void submit()}
                data-testid="coupon-import"
              >
                {t('store.coupons.import')}
              </Button>
            </Flex>
          </Flex>
          <Flex vertical gap={8} align="flex-start">
            <Typography.Text type="secondary">{t('store.coupons.clearHelp')}</Typography.Text>
            <Button
              danger
              icon={<DeleteOutlined />}
              disabled={left === 0}
              loading={clear.isPending}
              onClick={confirmClear}
              data-testid="coupon-clear"
            >
              {t('store.coupons.clear')} ({left})
            </Button>
          </Flex>
        </>
      )}
    </Flex>
  )
}
