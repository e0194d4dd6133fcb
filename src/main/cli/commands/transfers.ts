import type { Command } from 'commander'
import { connectToHub } from '../client'
import { CliError } from '../errors'
import { isoFlag } from '../iso-flag'
import { emit, table } from '../output'

export function registerTransfers(program: Command): void {
  program
    .command('transfers')
    .description('recent transfers (newest first)')
    .option('--since <iso>', 'only those created at or after this time, e.g. 2026-11-24T09:00:00+08:00')
    .option('--limit <n>', 'at most this many', '500')
    .action(async (opts: { since?: string; limit: string }, cmd: Command) => {
      const { dataDir, json } = cmd.optsWithGlobals<{ dataDir?: string; json?: boolean }>()
      const limit = Number(opts.limit)
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > 5000)
        throw new CliError('--limit must be between 1 and 5000', 2)
      const since = opts.since === undefined ? undefined : isoFlag(opts.since, '--since')
      const { invoke } = await connectToHub(dataDir)
      const list = await invoke('transfer-list', {
        since,
        limit,
      })
      emit(
        json ?? false,
        list.map((t) => ({
          id: t.id,
          tagCode: t.tagCode,
          videoId: t.videoId,
          rendition: t.rendition,
          bytesSent: t.bytesSent,
          bytesTotal: t.bytesTotal,
          status: t.status,
          tier: t.tier,
          device: t.device,
          createdAt: t.createdAt,
          finishedAt: t.finishedAt,
          error: t.error,
          variantId: t.variantId,
          seed: t.seed,
          remixFallback: t.remixFallback,
        })),
        () =>
          table(
            ['ID', 'TIME', 'TAG', 'VIDEO', 'SIZE', 'STATUS', 'PROGRESS', 'DEVICE'],
            list.map((t) => [
              t.id,
              t.createdAt.replace('T', ' ').slice(0, 19),
              t.tagLabel || t.tagCode,
              `${t.videoTitle ?? t.videoId} ${t.rendition}`,
              `${(t.bytesTotal / 1048576).toFixed(1)} MB`,
              t.status,
              `${t.bytesTotal ? Math.floor((t.bytesSent / t.bytesTotal) * 100) : 0}%`,
              `${t.device.os} · ${t.device.browser}`,
            ]),
          ),
      )
    })
}
