import type { HubEvent, HubEventType } from '../../../shared/events'

type Listener = (event: HubEvent) => void

/** In-process fan-out of hub events to WebSocket clients (and, in Electron, to system notifications). */
export class EventBus {
  private listeners = new Map<Listener, ReadonlySet<HubEventType> | null>()

  /** `types` limits what the listener gets; without it, everything. */
  subscribe(listener: Listener, types?: HubEventType[]): () => void {
    this.listeners.set(listener, types ? new Set(types) : null)
    return () => this.listeners.delete(listener)
  }

  /** Whether anyone listens for this type: hot paths skip building events nobody reads. */
  wants(type: HubEventType): boolean {
    for (const types of this.listeners.values()) if (!types || types.has(type)) return true
    return false
  }

  emit(event: HubEvent): void {
    for (const [listener, types] of this.listeners) {
      if (types && !types.has(event.type)) continue
      try {
        listener(event)
      } catch {
        // One broken subscriber (a closed socket) must not stop the others.
      }
    }
  }
}
