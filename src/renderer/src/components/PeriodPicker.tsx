import { Segmented } from 'antd'
import { useTranslation } from 'react-i18next'

/** The periods the dashboards offer, in days: today, the last 7 and the last 30. */
export const PERIOD_DAYS = [1, 7, 30] as const

/** The store dashboard's and the chain dashboard's period choice: one set of periods and words for both. */
export function PeriodPicker(props: { days: number; onChange: (days: number) => void; testId: string }) {
  const { t } = useTranslation()
  return (
    <Segmented
      value={props.days}
      onChange={(v) => props.onChange(Number(v))}
      options={PERIOD_DAYS.map((d) => ({ value: d, label: t(`dashboard.window${d}`) }))}
      data-testid={props.testId}
    />
  )
}
