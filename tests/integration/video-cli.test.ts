import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, spawnHub, type SpawnedHub } from '../helpers/cli'
import { badCorpus, clip } from '../helpers/corpus'
import { tempDir } from '../helpers/tmp'
import { REFUSAL_TEXT, type RefusalReason } from '../../src/shared/video-refusals'

const dir = tempDir()
let hub: SpawnedHub
beforeAll(async () => {
  hub = await spawnHub(dir.path)
}, 60_000)
afterAll(async () => {
  if (hub?.child.exitCode === null) {
    process.kill(hub.pid, 'SIGTERM')
    await hub.exited()
  }
  dir.cleanup()
})

describe('tapdrop video …', () => {
  it(
    'adds a file, waits, and prints id, status and renditions with paths in the data dir',
    { timeout: 120_000 },
    async () => {
      const r = await runCli(
        [
          'video',
          'add',
          clip('cli-good.mp4', 2, '1280x720'),
          '--title',
          '门店宣传',
          '--wait',
          '--json',
          '--data-dir',
          dir.path,
        ],
        { timeoutMs: 120_000 },
      )
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      const out = JSON.parse(r.stdout)
      expect(out).toMatchObject({ status: 'ready', error: null, title: '门店宣传', file: 'cli-good.mp4' })
      expect(out.id).toBeTypeOf('number')
      expect(out.renditions.map((x: { label: string }) => x.label)).toEqual(['720p', '480p'])
      for (const x of out.renditions) {
        expect(x.path).toMatch(/^media\/videos\/\d+\/\d+p\.mp4$/)
        expect(existsSync(join(dir.path, x.path))).toBe(true)
        expect(x.width % 2).toBe(0)
      }
      const list = await runCli(['video', 'list', '--json', '--data-dir', dir.path])
      expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ id: out.id, status: 'ready' })])
      const show = await runCli(['video', 'show', String(out.id), '--json', '--data-dir', dir.path])
      expect(JSON.parse(show.stdout)).toMatchObject({ id: out.id, renditions: out.renditions })
      const missing = await runCli(['video', 'show', '9999', '--data-dir', dir.path])
      expect(missing.code).toBe(1)
      expect(missing.stderr).toBe('tapdrop: no video with id 9999 (video-not-found)\n')
    },
  )

  it(
    'refuses bad files with a clear reason in English and Chinese, exits 1, and keeps nothing of them',
    { timeout: 120_000 },
    async () => {
      const bad = badCorpus()
      const r = await runCli(['video', 'add', ...bad.map((b) => b.path), '--json', '--data-dir', dir.path], {
        timeoutMs: 120_000,
      })
      expect(r.code).toBe(1)
      const out = JSON.parse(r.stdout) as Array<{
        id: null
        status: string
        reason: string
        error: string
        file: string
      }>
      expect(out.map((o) => [o.file, o.status, o.reason])).toEqual(
        bad.map((b) => [b.name, 'refused', b.reason]),
      )
      for (const o of out) expect(o.id).toBeNull()
      const lines = r.stderr.trim().split('\n')
      expect(lines).toHaveLength(bad.length)
      bad.forEach((b, i) => {
        const text = REFUSAL_TEXT[b.reason as RefusalReason]
        expect(lines[i]).toBe(`tapdrop: ${b.name}: refused: ${text.en} / ${text['zh-CN']}`)
      })
      const db = new Database(join(dir.path, 'tapdrop.db'), { readonly: true })
      expect(db.prepare('SELECT count(*) AS n FROM videos').get()).toEqual({ n: 1 })
      db.close()
      expect(readdirSync(join(dir.path, 'tmp'))).toEqual([])
      expect(readdirSync(join(dir.path, 'media', 'sources'))).toHaveLength(1)
    },
  )

  it(
    'creates tags without hardware, lists them, and lists transfers after a phone downloads',
    { timeout: 60_000 },
    async () => {
      const list = JSON.parse(
        (await runCli(['video', 'list', '--json', '--data-dir', dir.path])).stdout,
      ) as Array<{ id: number }>
      const videoId = list[0]!.id
      const made = await runCli([
        'tag',
        'create',
        '--video',
        String(videoId),
        '--label',
        '收银台',
        '--tier',
        'vip',
        '--json',
        '--data-dir',
        dir.path,
      ])
      expect(made.code).toBe(0)
      const tag = JSON.parse(made.stdout)
      expect(tag).toMatchObject({ label: '收银台', tier: 'vip', strategy: 'fixed', videoIds: [videoId] })
      expect(tag.code).toMatch(/^[\w-]{12}$/)
      expect(tag.url).toBe(`${hub.info.lanUrl}/t/${tag.code}`)
      const pool = await runCli([
        'tag',
        'create',
        '--video',
        String(videoId),
        '--pool',
        String(videoId),
        '--data-dir',
        dir.path,
      ])
      expect(pool.code).toBe(1)
      expect(pool.stderr).toContain('a video is listed twice')
      const bad = await runCli(['tag', 'create', '--video', 'abc', '--data-dir', dir.path])
      expect([bad.code, bad.stderr]).toEqual([2, 'tapdrop: --video must be video ids like 3 or 3,4,5\n'])
      const tags = JSON.parse((await runCli(['tag', 'list', '--json', '--data-dir', dir.path])).stdout)
      expect(tags).toEqual([expect.objectContaining({ code: tag.code, url: tag.url })])

      const before = new Date().toISOString()
      const page = await (
        await fetch(tag.url, {
          headers: {
            'User-Agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1',
          },
        })
      ).text()
      const token = /data-token="([\w-]{24})"/.exec(page)![1]
      const media = await fetch(`${hub.info.lanUrl}/m/${token}`)
      const bytes = (await media.arrayBuffer()).byteLength
      await new Promise((r) => setTimeout(r, 1200))
      const tr = await runCli(['transfers', '--since', before, '--json', '--data-dir', dir.path])
      expect(tr.code).toBe(0)
      expect(JSON.parse(tr.stdout)).toEqual([
        expect.objectContaining({
          tagCode: tag.code,
          videoId,
          rendition: '720p',
          bytesSent: bytes,
          bytesTotal: bytes,
          status: 'completed',
          tier: 'vip',
        }),
      ])
      const none = await runCli([
        'transfers',
        '--since',
        new Date(Date.now() + 60_000).toISOString(),
        '--json',
        '--data-dir',
        dir.path,
      ])
      expect(JSON.parse(none.stdout)).toEqual([])
      const wrong = await runCli(['transfers', '--since', 'yesterday', '--data-dir', dir.path])
      expect(wrong.code).toBe(2)
      const noSuchDay = await runCli(['transfers', '--since', '2026-02-30T00:00:00Z', '--data-dir', dir.path])
      expect(noSuchDay.code).toBe(2)
      expect(noSuchDay.stderr).toMatch(/^tapdrop: --since must be a real ISO date/)
      // Without --json a new tag is named by the id the other commands take (it gave only its code).
      const human = await runCli([
        'tag',
        'create',
        '--video',
        String(videoId),
        '--label',
        '门口',
        '--data-dir',
        dir.path,
      ])
      const door = (
        JSON.parse((await runCli(['tag', 'list', '--json', '--data-dir', dir.path])).stdout) as Array<{
          id: number
          code: string
          label: string
          url: string
        }>
      ).find((x) => x.label === '门口')!
      expect(human.stdout).toBe(`tag ${door.id} · ${door.code} (门口): ${door.url}\n`)
    },
  )

  it('says so when a path is not a readable file', async () => {
    const r = await runCli(['video', 'add', join(dir.path, 'nope.mp4'), '--json', '--data-dir', dir.path])
    expect(r.code).toBe(1)
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'refused', reason: 'unreadable' })
  })
})
