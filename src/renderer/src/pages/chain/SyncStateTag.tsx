import { Tag } from 'antd'
import { useTranslation } from 'react-i18next'

const COLOR: Record<string, string> = {
  idle: 'green',
  checking: 'blue',
  downloading: 'blue',
  applying: 'blue',
  waiting: 'orange',
  off: 'default',
}

/** What a store is doing about the catalog, in words. */
export function SyncStateTag({ state }: { state: string }) {
  const { t } = useTranslation()
  return (
    <Tag color={COLOR[state] ?? 'default'} data-testid="chain-sync-state">
      {t(`chain.state.${state}`, { defaultValue: state })}
    </Tag>
  )
}
