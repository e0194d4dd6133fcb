import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { ReviewUrlSchema, type StoreActionsView } from '../../../shared/contract/store-actions'
import { ask } from '../client'
import { CliError } from '../errors'
import { oneId } from '../publish-options'

function describe(v: StoreActionsView): string {
  const qr = v.wechatQr ? `${v.wechatQr.type} ${v.wechatQr.width}×${v.wechatQr.height}` : 'none'
  return [
    `wifi: ${v.wifi.ssid ?? 'not set (Settings)'}${v.wifi.ssid && v.wifi.passwordSet ? ' (with password)' : ''}`,
    `review link: ${v.reviewUrl ?? 'none'}`,
    `WeChat QR: ${qr}`,
  ].join('\n')
}

function readFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path)
  } catch (err) {
    throw new CliError(`cannot read ${what} ${path}: ${(err as Error).message}`, 2)
  }
}

/** `tapdrop store …` (the store-wide values of the store actions) and `tapdrop coupon …` (a tag's codes). */
export function registerStore(program: Command): void {
  const store = program
    .command('store')
    .description('store actions beside the video: review link, WeChat QR (Wi-Fi is in Settings)')

  store
    .command('show')
    .description('what the store actions show')
    .action(async (_opts: unknown, cmd: Command) => {
      await ask(cmd, 'store-actions-get', {}, describe)
    })

  store
    .command('review-url')
    .description('the review page phones open (https), or none')
    .argument('<url>', 'e.g. https://www.dianping.com/shop/12345, or none')
    .action(async (url: string, _opts: unknown, cmd: Command) => {
      const parsed = url === 'none' ? { success: true as const, data: null } : ReviewUrlSchema.safeParse(url)
      if (!parsed.success) throw new CliError(`review-url: ${parsed.error.issues[0]!.message}`, 2)
      await ask(cmd, 'store-actions-update', { reviewUrl: parsed.data }, describe)
    })

  store
    .command('wechat-qr')
    .description('the store’s WeChat QR code (a PNG or JPEG file), or none')
    .argument('<file>', 'the picture, or none')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const image = file === 'none' ? null : readFile(file, 'the picture').toString('base64')
      await ask(cmd, 'store-wechat-qr-set', { image }, describe)
    })

  const coupon = program.command('coupon').description('coupon codes a tag gives out, one per phone')

  coupon
    .command('import')
    .description('add codes to a tag: one per line in a file, or comma-separated with --codes')
    .requiredOption('--tag <id>', 'the tag that gives them')
    .option('--file <path>', 'a text file, one code per line')
    .option('--codes <list>', 'codes, comma-separated')
    .action(async (opts: { tag: string; file?: string; codes?: string }, cmd: Command) => {
      const tagId = oneId(opts.tag, '--tag')
      const text = [opts.file ? readFile(opts.file, 'the codes file').toString('utf8') : '', opts.codes ?? '']
      const codes = text
        .join('\n')
        .split(/[\r\n,，]+/)
        .map((s) => s.trim())
        .filter(Boolean)
      if (codes.length === 0) throw new CliError('no codes: give --file PATH or --codes a,b', 2)
      await ask(
        cmd,
        'coupon-import',
        { tagId, codes },
        (r) =>
          `${r.added} added, ${r.duplicates} already there; tag ${tagId}: ${r.claimed} of ${r.total} given`,
      )
    })

  for (const [name, method, help] of [
    ['summary', 'coupon-summary', 'how many codes a tag has and how many were given'],
    ['clear', 'coupon-clear', 'remove the codes of a tag nobody was given'],
  ] as const)
    coupon
      .command(name)
      .description(help)
      .requiredOption('--tag <id>', 'the tag')
      .action(async (opts: { tag: string }, cmd: Command) => {
        const tagId = oneId(opts.tag, '--tag')
        await ask(cmd, method, { tagId }, (r) => `tag ${tagId}: ${r.claimed} of ${r.total} given`)
      })
}
