import PDFDocument from 'pdfkit'

/** A font file (a face inside a collection by its PostScript name). */
export interface OverlayFont {
  path: string
  family?: string
}

interface FontkitFont {
  hasGlyphForCodePoint(codePoint: number): boolean
}

/**
 * The characters of `text` the font has no glyph for (drawtext would draw empty boxes). pdfkit is already the hub's
 * PDF library; its font object is fontkit's, which reads the font's own character map — the same file ffmpeg
 * draws with. Reached through pdfkit's `_font`, since pdfkit does not re-export fontkit.
 */
export function missingGlyphs(font: OverlayFont, text: string): string[] {
  const doc = new PDFDocument({ autoFirstPage: false })
  if (font.family) doc.font(font.path, font.family)
  else doc.font(font.path)
  const face = (doc as unknown as { _font: { font: FontkitFont } })._font.font
  const missing = new Set<string>()
  for (const ch of text) {
    if (/\s/u.test(ch)) continue
    if (!face.hasGlyphForCodePoint(ch.codePointAt(0)!)) missing.add(ch)
  }
  return [...missing]
}
