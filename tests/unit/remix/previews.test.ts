import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { prunePreviews } from '../../../src/main/core/remix/previews'
import { tempDir } from '../../helpers/tmp'

let dir: ReturnType<typeof tempDir>
afterEach(() => dir?.cleanup())

const HOUR = 3600_000
const now = Date.parse('2026-12-05T10:00:00Z')
function file(root: string, name: string, ageMs: number): void {
  const path = join(root, name)
  if (name.startsWith('.work-')) mkdirSync(path)
  else writeFileSync(path, 'mp4')
  const t = (now - ageMs) / 1000
  utimesSync(path, t, t)
}

describe('remix previews', () => {
  it('keeps the newest previews of the day and removes old ones, extras and abandoned work folders', () => {
    dir = tempDir()
    const root = dir.path
    for (let i = 0; i < 12; i++) file(root, `3-${1000 + i}.mp4`, i * 60_000) // 12 from the last quarter hour
    file(root, '4-77.mp4', 25 * HOUR) // yesterday's
    file(root, '.work-3-55', 2 * HOUR) // a render killed long ago
    file(root, '.work-3-56', 60_000) // a render running now
    file(root, 'notes.txt', 30 * HOUR) // not a preview: never touched

    expect(prunePreviews(root, now)).toBe(4)
    const left = readdirSync(root).sort()
    expect(left.filter((n) => n.endsWith('.mp4'))).toEqual(
      Array.from({ length: 10 }, (_, i) => `3-${1000 + i}.mp4`).sort(),
    )
    expect(existsSync(join(root, '.work-3-56'))).toBe(true)
    expect(existsSync(join(root, '.work-3-55'))).toBe(false)
    expect(existsSync(join(root, 'notes.txt'))).toBe(true)
  })

  it('does nothing before the first preview', () => {
    dir = tempDir()
    expect(prunePreviews(join(dir.path, 'preview'), now)).toBe(0)
  })
})
