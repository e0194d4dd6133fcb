// Events the hub pushes to the admin console over its authenticated WebSocket (/api/events).
// Each is a snapshot of what changed (not a delta), so a client that missed one catches up with the next.
export type HubEvent =
  { type: 'hello'; at: string } | { type: 'users-changed' } | { type: 'settings-changed' }

export type HubEventType = HubEvent['type']
