import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { drawableFontFile, faceNames } from '../../src/main/core/remix/font-face'
import { renderRequest, type RenderKit } from '../../src/main/core/remix/variant-job'
import type { TemplateInputs } from '../../src/main/core/remix/inputs'
import type { VariantPlan } from '../../src/main/core/remix/plan'
import { findCjkFont } from '../../src/main/labels/font'
import { tempDir } from '../helpers/tmp'

/**
 * The overlay of a per-tap remix is drawn with the Chinese face of the system's CJK collection. drawtext opens the
 * first face of a .ttc, and the first face of Noto Sans CJK is the Japanese one: 直, 骨, 角 came out in Japanese
 * shapes on a Chinese store's videos. Checked with Debian's ffmpeg against fontconfig's own choice of each face.
 */
const font = findCjkFont({})
const isNoto = !!font?.path.endsWith('NotoSansCJK-Regular.ttc')
const dir = tempDir('tapdrop-font-face-')
afterAll(() => dir.cleanup())

/** One frame of `text` drawn white on black by drawtext with the given font option, as raw grey bytes. */
function draw(fontOption: string): Buffer {
  return execFileSync(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'color=c=black:s=320x120:d=0.04',
      '-vf',
      `drawtext=${fontOption}:text=直骨角:fontcolor=white:fontsize=72:x=10:y=20`,
      '-frames:v',
      '1',
      '-pix_fmt',
      'gray',
      '-f',
      'rawvideo',
      '-',
    ],
    { maxBuffer: 1 << 20 },
  )
}

/** The font file a remix's render is handed (what the variant job gives ffmpeg). */
function renderFont(): string {
  const kit = {
    media: () => ({ ffmpeg: { path: 'ffmpeg' }, ffprobe: { path: 'ffprobe' } }),
    config: {
      values: { language: 'zh-CN', remixRendition: '720p', remixNiceness: 10, transcodeStallSeconds: 60 },
    },
    brand: () => ({
      productName: {},
      shortName: 'Shop',
      colors: { primary: '#1f6feb' },
      logoPath: null,
      iconPath: '',
    }),
    storage: { abs: (rel: string) => rel },
    fontCacheDir: dir.path,
  } as unknown as RenderKit
  const inputs = {
    files: new Map(),
    music: null,
    portrait: true,
    template: { rules: { clipAudio: 'mute', endCardSeconds: 0 } },
  } as unknown as TemplateInputs
  return renderRequest(kit, inputs, {} as VariantPlan, { path: '', workDir: '' }, font!).sources.font
}

describe.runIf(isNoto)('the remix overlay font', () => {
  it('draws Chinese shapes from Noto Sans CJK, not the collection’s first (Japanese) face', () => {
    const names = faceNames(readFileSync(font!.path))
    expect(names[0]).toBe('NotoSansCJKjp-Regular')
    expect(names).toContain('NotoSansCJKsc-Regular')

    const sc = draw("font='Noto Sans CJK SC'")
    const jp = draw("font='Noto Sans CJK JP'")
    // The faces differ on these characters (else the test could not tell them apart).
    expect(sc.equals(jp)).toBe(false)
    const file = renderFont()
    const ours = draw(`fontfile='${file}'`)
    expect(ours.equals(sc)).toBe(true)
  })

  it('copies the face out once and reuses the copy', () => {
    const first = renderFont()
    expect(first).not.toBe(font!.path)
    expect(renderFont()).toBe(first)
    // A font file of its own: a single face, not a collection.
    expect(readFileSync(first).toString('latin1', 0, 4)).not.toBe('ttcf')
  })
})

describe('a font file that is not a sound collection', () => {
  it('is drawn as it is, without a crash: truncated, lying offsets, tables past the end', () => {
    const cache = join(dir.path, 'bad-cache')
    const cases: Array<[string, Buffer]> = [
      ['short', Buffer.from('ttcf')],
      ['no faces', Buffer.concat([Buffer.from('ttcf'), Buffer.from([0, 1, 0, 0, 0, 0, 0, 0])])],
      // Two faces whose offsets point far past the end.
      [
        'lying offsets',
        Buffer.concat([
          Buffer.from('ttcf'),
          Buffer.from([0, 1, 0, 0, 0, 0, 0, 2, 0x7f, 0, 0, 0, 0x7f, 0, 0, 0]),
        ]),
      ],
      // One face with 65535 tables in a 40-byte file.
      [
        'tables past the end',
        Buffer.concat([
          Buffer.from('ttcf'),
          Buffer.from([0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 16]),
          Buffer.from([0, 1, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0]),
          Buffer.alloc(12),
        ]),
      ],
    ]
    for (const [name, bytes] of cases) {
      const path = join(dir.path, `${name.replace(/ /g, '-')}.ttc`)
      writeFileSync(path, bytes)
      expect(drawableFontFile({ path, family: 'NotoSansCJKsc-Regular' }, cache), name).toBe(path)
    }
  })
})
