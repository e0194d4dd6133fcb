import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BrandProfileError, loadProfile, pngSize, svgProblem } from '../../src/main/core/brand/profile'
import { REPO } from '../helpers/paths'
import { tempDir } from '../helpers/tmp'

const BRANDS = join(REPO, 'resources', 'brands')
let dir: ReturnType<typeof tempDir>
beforeEach(() => {
  dir = tempDir()
  cpSync(join(BRANDS, 'shoptap'), dir.path, { recursive: true })
})
afterEach(() => dir.cleanup())

function edit(change: (json: Record<string, any>) => void): void {
  const file = join(dir.path, 'brand.json')
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>
  change(json)
  writeFileSync(file, JSON.stringify(json))
}

function reasons(): string[] {
  try {
    loadProfile(dir.path, false)
  } catch (err) {
    if (err instanceof BrandProfileError) return err.reasons
    throw err
  }
  throw new Error('the profile was accepted')
}

describe('brand profiles', () => {
  it('loads the profiles shipped with the app, with their checked assets', () => {
    for (const id of ['tapdrop', 'shoptap']) {
      const p = loadProfile(join(BRANDS, id), true)
      expect(p.id).toBe(id)
      expect(p.logoPath).toBe(join(BRANDS, id, 'logo.svg'))
      expect(pngSize(readFileSync(p.iconPath!))).toEqual({ width: 512, height: 512 })
    }
    expect(loadProfile(join(BRANDS, 'shoptap'), true)).toMatchObject({
      productName: { 'zh-CN': '店小碰', en: 'ShopTap' },
      locked: ['productName', 'shortName', 'colors'],
    })
  })

  it('names every field that is wrong, at once', () => {
    edit((j) => {
      j.colors.primary = 'orange'
      j.phone.title.en = ''
      j.appId = 'shoptap'
      j.locked = ['productName', 'price']
      delete j.shortName
    })
    expect(reasons().sort()).toEqual([
      'brand.json: appId: must be reverse-DNS, e.g. com.example.app',
      'brand.json: colors.primary: must be a colour like #1f6feb',
      expect.stringMatching(/^brand\.json: locked\.1: /),
      'brand.json: phone.title.en: must not be empty',
      expect.stringMatching(/^brand\.json: shortName: /),
    ])
  })

  it('refuses what is not JSON, another format version, and fields it does not know', () => {
    writeFileSync(join(dir.path, 'brand.json'), '{ "schema": 1, ')
    expect(reasons()[0]).toMatch(/^brand\.json: not valid JSON/)
    cpSync(join(BRANDS, 'shoptap', 'brand.json'), join(dir.path, 'brand.json'))
    edit((j) => {
      j.schema = 2
      j.theme = 'dark'
    })
    expect(reasons()).toEqual([
      'brand.json: schema: must be 1 (the brand profile format this hub reads)',
      expect.stringMatching(/^brand\.json: \(top level\): .*theme/),
    ])
  })

  it('checks the logo and icon files: present, inside the folder, real images, a square icon of 256 px or more', () => {
    edit((j) => {
      j.logo = '../../etc/logo.svg'
    })
    expect(reasons()).toEqual([
      'brand.json: logo: must be a file name in the profile folder ending in .svg or .png',
    ])
    edit((j) => {
      j.logo = 'missing.svg'
      j.icon = 'logo.png'
    })
    writeFileSync(join(dir.path, 'logo.png'), 'GIF89a not a png')
    expect(reasons()).toEqual([
      'logo: file "missing.svg" not found in the profile folder',
      'icon: "logo.png" is not a PNG image',
    ])
    // A PNG header claiming 128×64.
    const png = Buffer.alloc(24)
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(png)
    png.write('IHDR', 12, 'latin1')
    png.writeUInt32BE(128, 16)
    png.writeUInt32BE(64, 20)
    writeFileSync(join(dir.path, 'small.png'), png)
    edit((j) => {
      j.logo = 'logo.svg'
      j.icon = 'small.png'
    })
    expect(reasons()).toEqual(['icon: "small.png" must be square and at least 256×256 pixels (it is 128×64)'])
  })

  it('refuses SVG logos that could run or fetch anything', () => {
    expect(svgProblem('<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>')).toBeNull()
    expect(svgProblem('<svg><script>alert(1)</script></svg>')).toBe('must not contain scripts')
    expect(svgProblem('<svg><rect onclick="x()"/></svg>')).toBe('must not contain event handlers (on…=)')
    expect(svgProblem('<svg><image href="https://evil.example/x.png"/></svg>')).toBe(
      'must not load anything from outside',
    )
    expect(svgProblem('<html><body>hi</body></html>')).toBe('is not an SVG image')
    writeFileSync(join(dir.path, 'logo.svg'), '<svg><script>alert(1)</script></svg>')
    expect(reasons()).toEqual(['logo: "logo.svg" must not contain scripts'])
  })
})
