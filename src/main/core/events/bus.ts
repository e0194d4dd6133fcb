import type { HubEvent } from '../../../shared/events'

type Listener = (event: HubEvent) => void

/** In-process fan-out of hub events to WebSocket clients (and, in Electron, to system notifications). */
export class EventBus {
  private listeners = new Set<Listener>()

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  emit(event: HubEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event)
      } catch {
        // One broken subscriber (a closed socket) must not stop the others.
      }
    }
  }
}
