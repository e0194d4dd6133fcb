import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestHub, setupOwner, readyVideo, type TestHub } from '../helpers/hub'
import { rawRequest, type TestSession } from '../helpers/api'
import { clip } from '../helpers/corpus'
import { Phone } from '../helpers/phone'
import { tempDir } from '../helpers/tmp'
import type { Video } from '../../src/shared/contract/videos'

// The data directory as it is on Linux by default (~/.config/TapDrop): a dot folder on the way.
const home = tempDir('tapdrop-home-')
const dataDir = join(home.path, '.config', 'TapDrop')
let t: TestHub
let owner: TestSession
let video: Video
beforeAll(async () => {
  mkdirSync(dataDir, { recursive: true })
  t = await startTestHub({ dataDir })
  owner = await setupOwner(t)
  video = await readyVideo(t, clip('console-paths.mp4', 1, '854x480'), '点点')
}, 300_000)
afterAll(async () => {
  await t?.stop()
  home.cleanup()
})

async function get(path: string, cookie: string | null = owner.cookie) {
  const res = await fetch(`${t.adminUrl}${path}`, { headers: cookie ? { Cookie: cookie } : {} })
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    bytes: Buffer.from(await res.arrayBuffer()),
  }
}

describe('console media under a data directory inside a dot folder', () => {
  it('serves the poster, the thumbnail and each rendition with their bytes', async () => {
    expect(t.dataDir).toContain('/.config/')
    const files: Array<[string, string]> = [
      [video.posterUrl!, 'poster.jpg'],
      [video.thumbUrl!, 'thumb.jpg'],
      ...video.renditions.map((r): [string, string] => [r.url, `${r.label}.mp4`]),
    ]
    expect(files.length).toBeGreaterThanOrEqual(3)
    for (const [url, name] of files) {
      const r = await get(url)
      expect([url, r.status]).toEqual([url, 200])
      expect(r.bytes.equals(readFileSync(join(dataDir, 'media', 'videos', String(video.id), name)))).toBe(
        true,
      )
    }
  })

  it('phones get the video and its poster from there too', async () => {
    const tag = await owner.invoke('tag-create', { videoIds: [video.id] })
    const phone = new Phone(t.lanUrl)
    const token = (await phone.tap(tag.code)).token!
    const poster = await fetch(`${t.lanUrl}/m/${token}/poster.jpg`, { headers: phone.headers() })
    expect(poster.status).toBe(200)
    const dir = join(dataDir, 'media', 'videos', String(video.id))
    // The phone page's poster is the small thumbnail.
    expect(Buffer.from(await poster.arrayBuffer()).equals(readFileSync(join(dir, 'thumb.jpg')))).toBe(true)
    const media = await phone.download(token)
    expect(media.status).toBe(200)
    const rendition = video.renditions.find((r) => r.sizeBytes === media.bytes.length)
    expect(rendition).toBeDefined()
    expect(media.bytes.equals(readFileSync(join(dataDir, rendition!.path)))).toBe(true)
  })

  it('still serves nothing a request names: other files, dot files, anonymous callers', async () => {
    for (const path of [
      `/media/videos/${video.id}/source.mp4`,
      `/media/videos/${video.id}/.work-1`,
      `/media/videos/${video.id}/..%2f..%2f..%2ftapdrop.db`,
      `/media/videos/${video.id}/%2e%2e%2f%2e%2e%2fconfig.json`,
      '/media/videos/999/poster.jpg',
    ]) {
      const r = await get(path)
      expect([path, r.status]).toEqual([path, 404])
      expect(JSON.parse(r.bytes.toString()).error.code).toBe('not-found')
    }
    expect((await get(video.posterUrl!, null)).status).toBe(401)
  })
})

describe('malformed paths', () => {
  const admin = [
    '/media/videos/%ZZ/poster.jpg',
    '/media/videos/1/%E0%A4%A',
    '/assets/..%2f..%2fpackage.json',
    '/assets/%ZZ.js',
    '/%ZZ',
  ]

  it('the admin listener answers the JSON error envelope, never a stack or an install path', async () => {
    for (const path of admin) {
      const r = await rawRequest(`${t.adminUrl}${path}`, { headers: { Cookie: owner.cookie! } })
      expect(r.status, path).toBeGreaterThanOrEqual(400)
      expect(r.status, path).toBeLessThan(500)
      expect(r.headers['content-type'], path).toMatch(/^application\/json/)
      const body = JSON.parse(r.body) as { error: { code: string; message: string } }
      expect(Object.keys(body), path).toEqual(['error'])
      expect(['bad-request', 'not-found'], path).toContain(body.error.code)
      expect(r.body, path).not.toMatch(/node_modules|\bat \w|URIError|Error:|\/work\//)
    }
    // Dot segments spelled out are resolved before routing: the console's page, never a file outside its folder.
    const dots = await rawRequest(`${t.adminUrl}/assets/%2e%2e/%2e%2e/package.json`)
    expect(dots.body).not.toContain('"devDependencies"')
    // A method nothing answers gets the envelope as well.
    const put = await rawRequest(`${t.adminUrl}/media/videos/1/poster.jpg`, { method: 'PUT' })
    expect([put.status, JSON.parse(put.body).error.code]).toEqual([404, 'not-found'])
  })

  it('the phone listener answers its own small page, never a stack', async () => {
    for (const path of [
      '/t/%ZZ',
      '/m/%ZZ',
      '/m/%ZZ/poster.jpg',
      '/s/..%2f..%2fpackage.json',
      '/s/%ZZ.js',
      '/brand/logo/%ZZ',
      '/%ZZ',
      '/assets/..%2f..%2fpackage.json',
    ]) {
      const r = await rawRequest(`${t.lanUrl}${path}`, { headers: { 'Accept-Language': 'en' } })
      expect(r.status, path).toBe(404)
      expect(r.headers['content-type'], path).toMatch(/^text\/html/)
      expect(r.body, path).toContain('<html lang="en">')
      expect(r.body, path).not.toMatch(/node_modules|\bat \w+ \(|URIError|\/work\//)
    }
  })
})
