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

  it('says so when a path is not a readable file', async () => {
    const r = await runCli(['video', 'add', join(dir.path, 'nope.mp4'), '--json', '--data-dir', dir.path])
    expect(r.code).toBe(1)
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'refused', reason: 'unreadable' })
  })
})
