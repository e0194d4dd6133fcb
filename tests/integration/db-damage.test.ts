import { closeSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, ownerConsole, screenshotPath } from '../helpers/browser'
import { runCli } from '../helpers/cli'
import { loginAs, OWNER, setupOwner, startTestHub, type TestHub } from '../helpers/hub'
import { tempDir } from '../helpers/tmp'
import type { TestSession } from '../helpers/api'

// A database file damaged on disk (a bad sector, a copy cut short): real SQLite, real bytes overwritten.
describe('a damaged database file', () => {
  const dir = tempDir()
  const file = join(dir.path, 'tapdrop.db')
  let t: TestHub
  let owner: TestSession
  let running = false

  beforeAll(async () => {
    t = await startTestHub({ dataDir: dir.path })
    await setupOwner(t)
    await t.hub.stop()
    // Older audit entries fill the first pages of their table; the newest (and every new one) sit on its last.
    const db = new Database(file)
    const add = db.prepare(
      "INSERT INTO audit_log (at, actor_user_id, actor, action, target, details, ip) VALUES (?, NULL, 'system', 'test.filler', NULL, ?, NULL)",
    )
    db.transaction(() => {
      for (let i = 0; i < 2000; i++)
        add.run(Date.now() - 86_400_000, JSON.stringify({ n: i, pad: 'x'.repeat(80) }))
    })()
    const pageSize = db.pragma('page_size', { simple: true }) as number
    // The table's first leaf page in the file: the oldest entries (pages are allocated in order as rows arrive).
    const { pageno } = db
      .prepare("SELECT min(pageno) AS pageno FROM dbstat WHERE name = 'audit_log' AND pagetype = 'leaf'")
      .get() as { pageno: number }
    db.close()
    const fd = openSync(file, 'r+')
    writeSync(fd, Buffer.alloc(64, 0xa5), 0, 64, (pageno - 1) * pageSize)
    closeSync(fd)
    t = await startTestHub({ dataDir: dir.path, keepDir: true })
    running = true
    owner = await loginAs(t, OWNER.username, OWNER.password)
  })

  afterAll(async () => {
    if (running) await t.stop()
    dir.cleanup()
  })

  it('the hub starts and serves, and tells staff the file is damaged with SQLite’s own finding', async () => {
    let found: { params: Record<string, string | number> } | undefined
    for (let i = 0; i < 100 && !found; i++) {
      const list = await owner.invoke('notification-list', {})
      found = list.items.find((n) => n.kind === 'database-damaged')
      if (!found) await new Promise((r) => setTimeout(r, 100))
    }
    expect(found?.params.problem).toMatch(/malformed|page/i)
    // Phones are unaffected: the LAN port answers, and so does the console.
    expect((await fetch(`${t.lanUrl}/healthz`)).status).toBe(200)
    expect((await owner.invoke('hub-info', {})).version).toBeTruthy()
    // The log is written behind: read until the line is there (bounded).
    const readLog = () =>
      readdirSync(join(dir.path, 'logs'))
        .map((f) => readFileSync(join(dir.path, 'logs', f), 'utf8'))
        .join('')
    let log = readLog()
    for (let i = 0; i < 50 && !log.includes('the database file is damaged'); i++) {
      await new Promise((r) => setTimeout(r, 100))
      log = readLog()
    }
    expect(log).toMatch(/"problems":\[".*(malformed|page).*"msg":"the database file is damaged"/)
  })

  it('the console shows the notification in Chinese and English', { timeout: 60_000 }, async () => {
    const browser = await launchChromium()
    try {
      for (const [lang, title, words] of [
        ['zh-CN', '数据库文件损坏', '碰一碰仍可正常使用'],
        ['en', 'Database damaged', 'Taps are still served'],
      ] as const) {
        const page = await ownerConsole(browser, t.adminUrl, lang)
        await page.getByTestId('notification-bell').click()
        const item = page
          .getByTestId('notification-centre')
          .locator('[data-testid="notification-item"][data-kind="database-damaged"]')
        await item.waitFor()
        const text = await item.innerText()
        expect(text).toContain(title)
        expect(text).toContain(words)
        expect(text).toMatch(/malformed|page/i)
        await page.waitForTimeout(400)
        await page.screenshot({ animations: 'disabled', path: screenshotPath(`68-database-damaged-${lang}`) })
        await page.context().close()
      }
    } finally {
      await browser.close()
    }
  })

  it('reading the damaged part is refused as "database-damaged" with a text staff can act on, not "internal error"', async () => {
    await expect(owner.invoke('audit-list', { beforeId: 60 })).rejects.toMatchObject({
      code: 'database-damaged',
      status: 500,
    })
    // The newest entries are on a page that is whole.
    expect((await owner.invoke('audit-list', { limit: 5 })).entries).toHaveLength(5)
  })

  it('a file that is not a database at all stops the start with the reason, not a stack', async () => {
    await t.stop()
    running = false
    const fd = openSync(file, 'r+')
    writeSync(fd, Buffer.alloc(100, 0x20), 0, 100, 0)
    closeSync(fd)
    const r = await runCli(['hub', '--json', '--data-dir', dir.path], {
      env: { TAPDROP_NFC: 'false' },
      timeoutMs: 30_000,
    })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /tapdrop: the database file is damaged \(file is not a database\); see README, "A damaged database"/,
    )
  })
})
