import { existsSync } from 'node:fs'
import { join } from 'node:path'

export interface LabelFont {
  path: string
  /** The face inside a collection (.ttc), by PostScript name. */
  family?: string
}

/**
 * A font with Chinese glyphs for label PDFs: TAPDROP_LABEL_FONT, a font shipped in resources/fonts, or the
 * operating system's own (Noto CJK on Debian/Ubuntu, PingFang on macOS, Microsoft YaHei on Windows).
 */
export function findCjkFont(env: NodeJS.ProcessEnv = process.env, resourcesDir?: string): LabelFont | null {
  const candidates: LabelFont[] = []
  if (env.TAPDROP_LABEL_FONT) {
    const [path, family] = env.TAPDROP_LABEL_FONT.split('#')
    candidates.push(family ? { path: path!, family } : { path: path! })
  }
  if (resourcesDir) candidates.push({ path: join(resourcesDir, 'fonts', 'label.ttf') })
  candidates.push(
    { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
    { path: '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
    { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', family: 'WenQuanYiMicroHei' },
    { path: '/System/Library/Fonts/PingFang.ttc', family: 'PingFangSC-Regular' },
    { path: 'C:\\Windows\\Fonts\\msyh.ttc', family: 'MicrosoftYaHei' },
  )
  return candidates.find((c) => existsSync(c.path)) ?? null
}
