import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startTestHub, setupOwner, loginAs, type TestHub } from '../helpers/hub'
import type { TestSession } from '../helpers/api'
import type { HubEvent } from '../../src/shared/events'

let t: TestHub
let owner: TestSession
const PASSWORD = 'staff-password-1'
beforeAll(async () => {
  t = await startTestHub()
  owner = await setupOwner(t)
})
afterAll(() => t?.stop())

/** A console's event socket, as the browser opens it: the session cookie and the console's Origin. */
class Listener {
  readonly events: HubEvent[] = []
  closed: { code: number; reason: string } | null = null
  private ws!: WebSocket
  private onClose: (() => void) | null = null

  static async open(session: TestSession): Promise<Listener> {
    const l = new Listener()
    l.ws = new WebSocket(`${t.adminUrl.replace('http', 'ws')}/api/events`, {
      headers: { Cookie: session.cookie!, Origin: t.adminUrl },
    })
    l.ws.on('message', (data) => l.events.push(JSON.parse(String(data)) as HubEvent))
    l.ws.on('close', (code, reason) => {
      l.closed = { code, reason: String(reason) }
      l.onClose?.()
    })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no hello within 5 s')), 5000)
      l.ws.once('message', () => {
        clearTimeout(timer)
        resolve()
      })
      l.ws.once('error', reject)
    })
    expect(l.events[0]?.type).toBe('hello')
    return l
  }

  /** Resolves with the close the hub sent, or null if the socket is still open after `ms`. */
  waitClosed(ms = 5000): Promise<{ code: number; reason: string } | null> {
    if (this.closed) return Promise.resolve(this.closed)
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), ms)
      this.onClose = () => {
        clearTimeout(timer)
        resolve(this.closed)
      }
    })
  }

  /** Event types received after the first `from` events. */
  since(from: number): string[] {
    return this.events.slice(from).map((e) => e.type)
  }

  dispose(): void {
    this.ws.terminate()
  }
}

let n = 0
async function staff(role: 'staff' | 'viewer' = 'staff'): Promise<{ id: number; session: TestSession }> {
  const username = `staff${++n}`
  const user = await owner.invoke('user-create', { username, role, password: PASSWORD })
  return { id: user.id, session: await loginAs(t, username, PASSWORD) }
}

/** Something every console hears about: the owner changes a setting (`settings-changed`). */
let limit = 100
const somethingHappens = () => owner.invoke('settings-update', { tapRateLimitPerMinute: ++limit })

describe('the console’s event socket follows its session', () => {
  it('closes when its session logs out, and nothing more arrives', async () => {
    const { session } = await staff()
    const l = await Listener.open(session)
    const other = await Listener.open(owner)
    const seen = l.events.length
    await session.invoke('auth-logout', {})
    await somethingHappens()
    expect(await l.waitClosed()).toEqual({ code: 4401, reason: 'session ended' })
    expect(l.since(seen)).toEqual([])
    // Everyone else keeps listening.
    await somethingHappens()
    await expect.poll(() => other.since(1)).toContain('settings-changed')
    expect(other.closed).toBeNull()
    other.dispose()
  })

  it('closes when an admin disables the account, before it hears of the change', async () => {
    const { id, session } = await staff()
    const l = await Listener.open(session)
    const seen = l.events.length
    await owner.invoke('user-set-disabled', { userId: id, disabled: true })
    expect(await l.waitClosed()).toEqual({ code: 4401, reason: 'session ended' })
    await somethingHappens()
    expect(l.since(seen)).toEqual([])
    // And it cannot come back.
    await expect(Listener.open(session)).rejects.toThrow(/401/)
  })

  it('closes when an admin resets the password', async () => {
    const { id, session } = await staff()
    const l = await Listener.open(session)
    await owner.invoke('user-reset-password', { userId: id, password: 'another-password-2' })
    expect(await l.waitClosed()).toEqual({ code: 4401, reason: 'session ended' })
  })

  it('closes on a role change with its own reason; the same session may listen again with the new role', async () => {
    const { id, session } = await staff()
    const l = await Listener.open(session)
    const seen = l.events.length
    await owner.invoke('user-set-role', { userId: id, role: 'viewer' })
    expect(await l.waitClosed()).toEqual({ code: 4403, reason: 'role changed' })
    expect(l.since(seen)).toEqual([])
    const again = await Listener.open(session)
    await somethingHappens()
    await expect.poll(() => again.since(1)).toContain('settings-changed')
    again.dispose()
  })

  it('closes the other devices’ sockets when a person changes their own password, not this one', async () => {
    const { session } = await staff()
    const username = `staff${n}`
    const elsewhere = await loginAs(t, username, PASSWORD)
    const mine = await Listener.open(session)
    const theirs = await Listener.open(elsewhere)
    await session.invoke('auth-change-password', {
      currentPassword: PASSWORD,
      newPassword: 'a-new-password-3',
    })
    expect(await theirs.waitClosed()).toEqual({ code: 4401, reason: 'session ended' })
    expect(await mine.waitClosed(300)).toBeNull()
    mine.dispose()
  })

  it('closes when the session expires, even if the console sends nothing', async () => {
    const { session } = await staff()
    const l = await Listener.open(session)
    // The session's time runs out in 1.5 s (as if the person had left the console idle for the whole idle limit).
    const ends = Date.now() + 1500
    t.hub.repos.db
      .prepare('UPDATE sessions SET expires_at = ? WHERE user_id = (SELECT max(id) FROM users)')
      .run(ends)
    // An unrelated account change makes the socket look at its session again: still valid, so it stays.
    await owner.invoke('user-create', { username: `bystander${n}`, role: 'viewer', password: PASSWORD })
    expect(await l.waitClosed(500)).toBeNull()
    expect(await l.waitClosed(5000)).toEqual({ code: 4401, reason: 'session ended' })
    expect(Date.now()).toBeGreaterThanOrEqual(ends)
  })
})
