import PDFDocument from 'pdfkit'
import QRCode from 'qrcode'
import type { Language } from '../../shared/languages'
import { LABELS } from '../../shared/labels'
import type { Brand } from '../core/brand/brand'
import type { LabelFont } from './font'
import { wifiQrText, type WifiInfo } from './wifi'

export interface LabelTag {
  code: string
  url: string
  label: string
  videoTitles: string[]
}

export interface LabelOptions {
  tags: LabelTag[]
  brand: Brand
  language: Language
  wifi: WifiInfo | null
  font: LabelFont | null
}

const MM = 72 / 25.4
const PAGE = { width: 210 * MM, height: 297 * MM }
const COLS = 2
const ROWS = 4
const CARD = { width: 90 * MM, height: 64 * MM }
const GAP = 6 * MM

/** Draws a QR code as vector squares (crisp at any print size). */
function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' })
  const n = qr.modules.size
  const quiet = 2
  const cell = size / (n + quiet * 2)
  doc.save().fillColor('#000000')
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++)
      if (qr.modules.get(r, c))
        doc.rect(x + (c + quiet) * cell, y + (r + quiet) * cell, cell + 0.05, cell + 0.05)
  doc.fill().restore()
}

function needsCjk(text: string): boolean {
  return /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]/.test(text)
}

export class LabelFontMissingError extends Error {}

/**
 * Labels and placement cards for a set of tags, eight to an A4 page: the brand, the tag's label, a QR code of the
 * tag's URL (for phones without NFC), the address in print, and the store Wi-Fi as a QR code when it is configured.
 */
export async function renderLabels(o: LabelOptions): Promise<Buffer> {
  const t = LABELS[o.language].labelCard
  const allText = [
    o.brand.productName[o.language],
    ...Object.values(t),
    ...o.tags.flatMap((x) => [x.label, ...x.videoTitles]),
    o.wifi?.ssid ?? '',
  ].join('')
  if (needsCjk(allText) && !o.font)
    throw new LabelFontMissingError(
      'no font with Chinese characters was found; install fonts-noto-cjk or set TAPDROP_LABEL_FONT',
    )

  const doc = new PDFDocument({
    size: 'A4',
    margin: 0,
    autoFirstPage: false,
    info: { Title: `${o.brand.productName[o.language]} — labels`, Producer: o.brand.shortName },
  })
  const chunks: Buffer[] = []
  doc.on('data', (c: Buffer) => chunks.push(c))
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve())
    doc.on('error', reject)
  })
  if (o.font) doc.registerFont('body', o.font.path, o.font.family)
  const body = o.font ? 'body' : 'Helvetica'

  const left = (PAGE.width - COLS * CARD.width - (COLS - 1) * GAP) / 2
  const top = (PAGE.height - ROWS * CARD.height - (ROWS - 1) * GAP) / 2
  const wifiText = o.wifi ? wifiQrText(o.wifi) : null

  o.tags.forEach((tag, i) => {
    const slot = i % (COLS * ROWS)
    if (slot === 0) doc.addPage()
    const x = left + (slot % COLS) * (CARD.width + GAP)
    const y = top + Math.floor(slot / COLS) * (CARD.height + GAP)
    const pad = 4 * MM

    // Cut line and brand band.
    doc
      .save()
      .lineWidth(0.5)
      .strokeColor('#c9ced6')
      .roundedRect(x, y, CARD.width, CARD.height, 3 * MM)
      .stroke()
      .restore()
    doc
      .save()
      .roundedRect(x, y, CARD.width, 11 * MM, 3 * MM)
      .clip()
      .rect(x, y, CARD.width, 11 * MM)
      .fill(o.brand.colors.primary)
      .restore()
    doc
      .font(body)
      .fontSize(13)
      .fillColor('#ffffff')
      .text(o.brand.productName[o.language], x + pad, y + 3.2 * MM, {
        width: CARD.width - 2 * pad,
        lineBreak: false,
      })
    doc
      .fontSize(8)
      .fillColor('#ffffff')
      .text(tag.code, x + pad, y + 4.4 * MM, {
        width: CARD.width - 2 * pad,
        align: 'right',
        lineBreak: false,
      })

    // The tag's QR code on the left.
    const qrSize = 38 * MM
    drawQr(doc, tag.url, x + 2 * MM, y + 13 * MM, qrSize)

    // Label and what to do, on the right.
    const tx = x + qrSize + 3 * MM
    const tw = CARD.width - qrSize - 3 * MM - pad
    doc
      .fillColor('#111827')
      .fontSize(15)
      .text(tag.label || tag.code, tx, y + 15 * MM, { width: tw, height: 8 * MM, ellipsis: true })
    doc
      .fillColor('#374151')
      .fontSize(10)
      .text(t.tap, tx, y + 25 * MM, { width: tw })
    doc
      .fillColor('#6b7280')
      .fontSize(8.5)
      .text(t.scan, tx, y + 30 * MM, { width: tw })
    if (tag.videoTitles.length)
      doc
        .fillColor('#6b7280')
        .fontSize(7.5)
        .text(tag.videoTitles.join(' · '), tx, y + 36 * MM, { width: tw, height: 8 * MM, ellipsis: true })

    // Bottom line: the address in print, and the Wi-Fi to join.
    doc
      .fillColor('#9ca3af')
      .fontSize(6.5)
      .text(tag.url, x + pad, y + CARD.height - 6.5 * MM, {
        width: wifiText ? CARD.width - 26 * MM : CARD.width - 2 * pad,
        lineBreak: false,
        ellipsis: true,
      })
    if (wifiText && o.wifi) {
      const wq = 17 * MM
      const wx = x + CARD.width - wq - 2 * MM
      const wy = y + CARD.height - wq - 1.5 * MM
      drawQr(doc, wifiText, wx, wy, wq)
      const ww = wx - tx - 1.5 * MM
      doc
        .fillColor('#6b7280')
        .fontSize(6.5)
        .text(t.wifi, tx, wy + 1 * MM, { width: ww, align: 'right', lineBreak: false })
      doc
        .fillColor('#111827')
        .fontSize(9)
        .text(o.wifi.ssid, tx, wy + 4.5 * MM, { width: ww, align: 'right', height: 4.5 * MM, ellipsis: true })
      doc
        .fillColor('#9ca3af')
        .fontSize(6.5)
        .text(t.wifiScan, tx, wy + 9.5 * MM, { width: ww, align: 'right', lineBreak: false })
    }
  })
  if (o.tags.length === 0) doc.addPage()
  doc.end()
  await done
  return Buffer.concat(chunks)
}
