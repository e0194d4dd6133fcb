import { useEffect, useEffectEvent } from 'react'
import { EVENTS_CLOSE, type HubEvent } from '../../../shared/events'

/**
 * Subscribes to the hub's live events. Reconnects with capped exponential back-off; after a reconnect the
 * hub says `hello` and callers reload their snapshot (events are snapshots, so nothing is counted twice).
 * `onEnded` hears when the hub closed the socket because this session ended or its role changed (EVENTS_CLOSE).
 */
export function useHubEvents(
  onEvent: (event: HubEvent) => void,
  onEnded: (why: 'session-ended' | 'role-changed') => void = () => {},
  enabled = true,
): void {
  const handle = useEffectEvent(onEvent)
  const ended = useEffectEvent(onEnded)
  useEffect(() => {
    if (!enabled) return
    let ws: WebSocket | null = null
    let attempt = 0
    let timer: number | undefined
    let closed = false
    const connect = () => {
      const proto = location.protocol === 'https:' ? 'wss' : 'ws'
      ws = new WebSocket(`${proto}://${location.host}/api/events`)
      ws.onopen = () => {
        attempt = 0
      }
      ws.onmessage = (m) => {
        try {
          handle(JSON.parse(String(m.data)) as HubEvent)
        } catch {
          /* ignore malformed frames */
        }
      }
      ws.onclose = (e) => {
        if (closed) return
        if (e.code === EVENTS_CLOSE.sessionEnded.code) ended('session-ended')
        if (e.code === EVENTS_CLOSE.roleChanged.code) {
          ended('role-changed')
          attempt = 0
        }
        const delay = Math.min(30_000, 500 * 2 ** attempt++) * (0.75 + Math.random() * 0.5)
        timer = window.setTimeout(connect, delay)
      }
    }
    connect()
    return () => {
      closed = true
      window.clearTimeout(timer)
      ws?.close()
    }
  }, [enabled])
}
