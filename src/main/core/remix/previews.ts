import { readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** A preview is for the staff member looking at the template now: a day is plenty, and a few are kept. */
export const PREVIEW_RULES = { maxAgeMs: 24 * 3600_000, keep: 10 } as const

/**
 * Removes previews (`<template>-<seed>.mp4`) older than a day and all but the `keep` newest, with any work folder a
 * render left (`.work-…`, a render killed mid-way). Runs before each new preview, so the folder never grows with
 * every click of "render a preview". Returns how many files and folders it removed.
 */
export function prunePreviews(dir: string, now: number, rules = PREVIEW_RULES): number {
  let entries: Array<{ path: string; mtime: number; work: boolean }>
  try {
    entries = readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const work = e.isDirectory() && e.name.startsWith('.work-')
      if (!work && !(e.isFile() && /^\d+-\d+\.mp4$/.test(e.name))) return []
      const path = join(dir, e.name)
      return [{ path, mtime: statSync(path).mtimeMs, work }]
    })
  } catch {
    return 0 // no previews yet
  }
  const files = entries.filter((e) => !e.work).sort((a, b) => b.mtime - a.mtime)
  // A work folder of a render still running is minutes old at most; an hour old, its render is gone.
  const stale = [
    ...files.filter((f, i) => i >= rules.keep || now - f.mtime > rules.maxAgeMs),
    ...entries.filter((e) => e.work && now - e.mtime > 3600_000),
  ]
  for (const e of stale) rmSync(e.path, { recursive: true, force: true })
  return stale.length
}
