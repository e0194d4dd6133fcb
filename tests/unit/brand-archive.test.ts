import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { crc32 } from 'node:zlib'
import { zipSync } from 'fflate'
import { ArchiveError, unpackProfile } from '../../src/main/core/brand/archive'
import { deflated, writeZip, zeros, type ZipEntry } from '../helpers/zip'
import { tempDir } from '../helpers/tmp'

const dirs: Array<{ path: string; cleanup(): void }> = []
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()))

async function unpack(zip: Uint8Array): Promise<Record<string, string>> {
  const d = tempDir('tapdrop-archive-')
  dirs.push(d)
  const out = join(d.path, 'profile')
  await unpackProfile(Buffer.from(zip), out)
  return Object.fromEntries(readdirSync(out).map((n) => [n, readFileSync(join(out, n), 'latin1')]))
}

async function refusal(zip: Uint8Array): Promise<string[]> {
  try {
    await unpack(zip)
  } catch (err) {
    if (err instanceof ArchiveError) return err.reasons
    throw err
  }
  throw new Error('the archive was accepted')
}

const json = '{"id":"acme"}'

describe('brand profile archives', () => {
  it('unpacks what zip tools make: sizes in the headers, or after the data (macOS), stored or deflated', async () => {
    expect(await unpack(zipSync({ 'acme/brand.json': new TextEncoder().encode(json) }))).toEqual({
      'brand.json': json,
    })
    const logo = '<svg xmlns="http://www.w3.org/2000/svg"/>'.repeat(50)
    const stored: ZipEntry = {
      name: 'acme/logo.svg',
      data: Buffer.from(logo),
      method: 0,
      crc: crc32(logo),
      size: logo.length,
      dataDescriptor: true,
    }
    const withDescriptors = writeZip([{ ...deflated('acme/brand.json', json), dataDescriptor: true }, stored])
    expect(await unpack(withDescriptors)).toEqual({ 'brand.json': json, 'logo.svg': logo })
  })

  it('stops at 6 MB inflated, whatever the headers claim', async () => {
    const started = performance.now()
    const lie = writeZip([
      deflated('brand.json', json),
      { name: 'logo.png', data: await zeros(64), method: 8, crc: 0, size: 100 },
    ])
    expect(await refusal(lie)).toEqual(['the archive unpacks to more than 6 MB'])
    // An honest header is refused before anything is inflated.
    const honest = writeZip([{ name: 'logo.png', data: Buffer.alloc(0), method: 8, crc: 0, size: 7 << 20 }])
    expect(await refusal(honest)).toEqual(['the archive unpacks to more than 6 MB'])
    // Files stored without compression count the same way.
    const big: ZipEntry = { name: 'a.png', data: Buffer.alloc(7 << 20), method: 0, crc: 0, size: 10 }
    expect(await refusal(writeZip([big]))).toEqual(['the archive unpacks to more than 6 MB'])
    expect(performance.now() - started).toBeLessThan(5000)
  })

  it('refuses too many files, other names, and what is not a whole zip', async () => {
    const many = Object.fromEntries(
      Array.from({ length: 21 }, (_, i) => [`i${i}.png`, new Uint8Array(1)] as const),
    )
    expect(await refusal(zipSync(many))).toEqual([
      'the archive holds more than 20 files; a brand profile has at most 20',
    ])
    expect(await refusal(zipSync({ 'brand.json': new Uint8Array(2), 'run.sh': new Uint8Array(1) }))).toEqual([
      '"run.sh": only brand.json and .svg/.png images belong in a brand profile',
    ])
    expect((await refusal(Buffer.from('this is not a zip')))[0]).toMatch(/^not a readable \.zip archive/)
    const whole = writeZip([deflated('brand.json', json.repeat(100))])
    expect((await refusal(whole.subarray(0, 40)))[0]).toMatch(/^not a readable \.zip archive/)
    // A header claiming more bytes than the archive holds: refused, not waited on for ever.
    const overlong = Buffer.from(whole)
    overlong.writeUInt32LE(whole.length * 2, 18)
    expect((await refusal(overlong))[0]).toMatch(/^not a readable \.zip archive/)
    // Damaged deflate data.
    const damaged = writeZip([{ ...deflated('brand.json', json), data: Buffer.from([0xff, 0xff, 0xff]) }])
    expect((await refusal(damaged))[0]).toMatch(/^not a readable \.zip archive \(brand\.json: /)
  })
})
