import { Button, Card, Table, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { AuditEntry } from '../../../shared/contract/audit'
import { useAuditLog } from '../api/users'
import { actorLabel } from '../actor'
import { formatTime } from '../format'

/** The newest admin actions, 20 at a time. */
export function AuditLog() {
  const { t, i18n } = useTranslation()
  const query = useAuditLog(20)
  const entries = query.data?.pages.flatMap((p) => p.entries) ?? []

  const actionLabel = (a: string) => (i18n.exists(`audit.${a}`) ? t(`audit.${a}`) : a)
  // Each detail in the console's words: its name as the console calls it, nothing for an empty value.
  const value = (v: unknown): string =>
    typeof v === 'boolean'
      ? t(v ? 'common.yes' : 'common.no')
      : Array.isArray(v)
        ? v.map(value).join(', ')
        : typeof v === 'object'
          ? JSON.stringify(v)
          : String(v)
  const details = (d: Record<string, unknown> | null) =>
    d
      ? Object.entries(d)
          .filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0))
          .map(([k, v]) => `${i18n.exists(`audit.field.${k}`) ? t(`audit.field.${k}`) : k}: ${value(v)}`)
          .join(' · ')
      : ''

  return (
    <Card title={t('users.audit')} style={{ marginTop: 24 }} styles={{ body: { padding: 0 } }}>
      <Table<AuditEntry>
        rowKey="id"
        size="small"
        loading={query.isLoading}
        dataSource={entries}
        pagination={false}
        data-testid="audit-table"
        columns={[
          { title: t('users.auditWhen'), dataIndex: 'at', width: 170, render: (v: string) => formatTime(v) },
          {
            title: t('users.auditWho'),
            dataIndex: 'actor',
            width: 140,
            render: (a: string) => actorLabel(t, a),
          },
          { title: t('users.auditWhat'), dataIndex: 'action', width: 160, render: actionLabel },
          {
            title: t('users.auditDetails'),
            dataIndex: 'details',
            render: (d: Record<string, unknown> | null) => (
              <Typography.Text type="secondary">{details(d)}</Typography.Text>
            ),
          },
        ]}
      />
      {query.hasNextPage && (
        <div style={{ padding: 12, textAlign: 'center' }}>
          <Button loading={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
            {t('users.loadMore')}
          </Button>
        </div>
      )}
    </Card>
  )
}
