import { Timeline, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import type { TimelineStep } from '../../../shared/contract/monitoring'
import type { FunnelEvent } from '../../../shared/contract/funnel'
import { formatBytes, formatTimeOfDay } from '../format'

const COLOR: Record<TimelineStep['kind'], string> = {
  tap: 'blue',
  queued: 'orange',
  admitted: 'blue',
  request: 'gray',
  resumed: 'blue',
  completed: 'green',
  aborted: 'orange',
  failed: 'red',
  expired: 'red',
}

type Entry =
  { at: string; hub: TimelineStep; customer?: never } | { at: string; customer: FunnelEvent; hub?: never }

/**
 * What the hub saw and what the customer did, in one line by time (the hub's step first at the same moment). A
 * platform choice is listed per platform; its summary row (the first platform chosen) would say it twice.
 */
export function mergeTimeline(hub: readonly TimelineStep[], customer: readonly FunnelEvent[]): Entry[] {
  const steps: Entry[] = customer
    .filter((e) => !(e.kind === 'platform-chosen' && e.platform === null))
    .map((e) => ({ at: e.firstAt, customer: e }))
  const out: Entry[] = []
  let i = 0
  for (const h of hub) {
    while (i < steps.length && Date.parse(steps[i]!.at) < Date.parse(h.at)) out.push(steps[i++]!)
    out.push({ at: h.at, hub: h })
  }
  return out.concat(steps.slice(i))
}

/** A transfer's timeline: the tap, queue, admission, each range request, resumes, the end, and the customer's steps. */
export function TransferTimeline({
  hub,
  customer,
}: {
  hub: readonly TimelineStep[]
  customer: readonly FunnelEvent[]
}) {
  return (
    <Timeline
      data-testid="transfer-timeline"
      items={mergeTimeline(hub, customer).map((x, i) => ({
        key: i,
        color: x.hub ? COLOR[x.hub.kind] : 'purple',
        title: formatTimeOfDay(x.at),
        content: x.hub ? <HubStep s={x.hub} /> : <CustomerStep e={x.customer} />,
      }))}
    />
  )
}

function HubStep({ s }: { s: TimelineStep }) {
  const { t } = useTranslation()
  return (
    <span data-testid="timeline-step" data-kind={s.kind}>
      {t(`label.timelineStep.${s.kind}`)}
      {s.kind === 'request' && s.rangeStart !== null && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {' '}
          {t('history.range', {
            from: s.rangeStart,
            to: s.rangeEnd,
            sent: formatBytes(s.bytes ?? 0),
          })}
          {s.note === 'cut' ? ` · ${t('history.cut')}` : ''}
        </Typography.Text>
      )}
      {s.kind === 'tap' && s.note && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {' '}
          · {t(`label.tapOutcome.${s.note}`, { defaultValue: s.note })}
        </Typography.Text>
      )}
      {s.kind !== 'request' && s.kind !== 'tap' && s.note && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {' '}
          · {s.note}
        </Typography.Text>
      )}
    </span>
  )
}

/** One of the customer's steps on the phone page: what, on which platform, and how often it was reported. */
function CustomerStep({ e }: { e: FunnelEvent }) {
  const { t } = useTranslation()
  const extra = [
    e.platform ? t(`label.platform.${e.platform}`) : null,
    e.kind === 'douyin-share-id' && e.detail ? t('history.shareId', { id: e.detail }) : null,
  ].filter((x) => x !== null)
  return (
    <span data-testid="funnel-step" data-kind={e.kind} data-platform={e.platform ?? undefined}>
      <Typography.Text style={{ color: '#722ed1' }}>{t(`label.funnelStep.${e.kind}`)}</Typography.Text>
      {extra.length > 0 && <Typography.Text strong>{` · ${extra.join(' · ')}`}</Typography.Text>}
      {e.count > 1 && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {' '}
          {t('history.times', { n: e.count })}
        </Typography.Text>
      )}
    </span>
  )
}
