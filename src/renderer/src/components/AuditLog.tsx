import { Button, Card, Table, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { AuditEntry } from '../../../shared/contract/audit'
import { useAuditLog } from '../api/users'
import { actorLabel } from '../actor'
import { formatBytes, formatTime } from '../format'

/** Details whose values have the console's words: the label group (`label.<group>.<value>`) of each. */
const VALUE_WORDS: Record<string, string> = {
  role: 'role',
  tier: 'tier',
  strategy: 'strategy',
  captionStrategy: 'captionStrategy',
  platforms: 'platform',
  storeActions: 'storeAction',
}

/** The newest admin actions, 20 at a time. */
export function AuditLog() {
  const { t, i18n } = useTranslation()
  const query = useAuditLog(20)
  const entries = query.data?.pages.flatMap((p) => p.entries) ?? []

  const actionLabel = (a: string) => (i18n.exists(`audit.${a}`) ? t(`audit.${a}`) : a)
  const fieldLabel = (k: string) => (i18n.exists(`audit.field.${k}`) ? t(`audit.field.${k}`) : k)
  // Each detail in the console's words: its name and its value as the console calls them (a role, a tier, a
  // platform…), a change as "from → to", a size in MB, nothing for an empty value.
  const value = (k: string, v: unknown): string => {
    if (v === null || v === undefined) return '—'
    if (typeof v === 'boolean') return t(v ? 'common.yes' : 'common.no')
    if (Array.isArray(v)) return v.map((x) => value(k, x)).join(', ')
    if (typeof v === 'object') {
      const o = v as Record<string, unknown>
      if ('from' in o && 'to' in o) return `${value(k, o.from)} → ${value(k, o.to)}`
      return Object.entries(o)
        .map(([ik, iv]) => `${fieldLabel(ik)}: ${value(ik, iv)}`)
        .join(', ')
    }
    if (k === 'bytes' && typeof v === 'number') return formatBytes(v)
    const group = VALUE_WORDS[k]
    return group && i18n.exists(`label.${group}.${String(v)}`) ? t(`label.${group}.${String(v)}`) : String(v)
  }
  const details = (action: string, d: Record<string, unknown> | null) =>
    d
      ? Object.entries(d)
          .filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0))
          // A role change records its roles as `from` and `to` at the top: worded as roles.
          .map(([k, v]) => `${fieldLabel(k)}: ${value(action === 'user.role-change' ? 'role' : k, v)}`)
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
            render: (d: Record<string, unknown> | null, row: AuditEntry) => (
              <Typography.Text type="secondary">{details(row.action, d)}</Typography.Text>
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
