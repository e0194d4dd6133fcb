import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { MIGRATIONS } from '../../../../src/main/db/migrations'
import { remixRepo } from '../../../../src/main/db/repos/remix'
import { tagsRepo } from '../../../../src/main/db/repos/tags'
import { TemplateRulesSchema } from '../../../../src/shared/contract/remix'

describe('migration 11: remix', () => {
  function upTo(n: number) {
    const db = new Database(':memory:')
    db.pragma('foreign_keys = ON')
    for (const m of MIGRATIONS.slice(0, n)) m.up(db)
    return db
  }

  it('is number 11 after the chain, and leaves existing tags plain', () => {
    expect(MIGRATIONS.slice(0, 11).map((m) => m.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
    expect(MIGRATIONS[9]!.name).toMatch(/chain/)
    const db = upTo(10)
    db.exec(
      "INSERT INTO tags (id, code, tier, strategy, base_url, created_at, updated_at) VALUES (1, 'a', 'normal', 'fixed', 'http://x', 1, 1)",
    )
    MIGRATIONS[10]!.up(db)
    expect(tagsRepo(db).findById(1)!.templateId).toBeNull()
  })

  it('keeps templates, their clips and variants whole, and a video a template uses cannot go', () => {
    const db = upTo(11)
    db.exec(`INSERT INTO videos (id, title, original_name, source_path, size_bytes, sha256, duration_ms, width, height,
      container, video_codec, status, uploader_name, created_at, updated_at)
      VALUES (1, 'v', 'v.mp4', 'x', 1, 's', 4000, 640, 360, 'mp4', 'h264', 'ready', 'u', 1, 1)`)
    const repo = remixRepo(db)
    const rules = TemplateRulesSchema.parse({ clips: 1, seconds: 3 })
    const id = repo.insertTemplate({
      name: 't',
      rules,
      clips: [{ videoId: 1, inMs: 0, outMs: null, pin: 'first' }],
      createdBy: null,
      now: 5,
    })
    expect(repo.template(id)).toMatchObject({ name: 't', rules, clips: [{ videoId: 1, pin: 'first' }] })
    expect(() => db.exec('DELETE FROM videos WHERE id = 1')).toThrow(/FOREIGN KEY/)
    const v = repo.insertVariant({ templateId: id, tagId: null, seed: 0xffffffff, now: 6 })
    expect(repo.variant(v)).toMatchObject({ status: 'rendering', seed: 0xffffffff, path: null })
    // A ready or used variant has its file; nothing else does.
    expect(() => db.exec(`UPDATE variants SET status = 'ready' WHERE id = ${v}`)).toThrow(/CHECK/)
    expect(
      repo.setVariantReady(v, { path: 'media/variants/x.mp4', sizeBytes: 10, durationMs: 3000, now: 7 }),
    ).toBe(true)
    // A transfer names the variant: after a crash before the "used" write, the transfer is the proof.
    db.exec(`INSERT INTO transfers (token, tag_code, rendition, device_id, tier, bytes_total, status, created_at,
      updated_at, variant_id, seed) VALUES ('t', 'c', '720p', 'd', 'normal', 10, 'pending', 9, 9, ${v}, 4294967295)`)
    expect(repo.recoverUsedVariants()).toBe(1)
    expect(repo.variant(v)).toMatchObject({ status: 'used', uses: 1, usedAt: 9 })
    repo.deleteTemplate(id)
    expect(repo.variant(v)).toBeNull()
    // The transfer keeps its variant and seed.
    expect(db.prepare('SELECT variant_id, seed FROM transfers').get()).toEqual({
      variant_id: v,
      seed: 4294967295,
    })
  })
})
