import type { Command } from 'commander'
import { LABELS } from '../../../shared/labels'
import { PlatformSchema } from '../../../shared/contract/publish'
import type { FunnelCounts } from '../../../shared/contract/funnel'
import { FUNNEL_STAGES, formatShare, publishRate, shareOf } from '../../../shared/funnel/stages'
import { localTime } from '../../core/monitoring/csv'
import { connectToHub } from '../client'
import { CliError } from '../errors'
import { isoFlag } from '../iso-flag'
import { emit, table } from '../output'
import { oneId } from '../publish-options'

/** What `tapdrop funnel --json` prints: the period, the filter, every count, and the publish rate (0–1 or null). */
export function funnelJson(
  r: { since: string; until: string; counts: FunnelCounts },
  filter: { tagId: number | null; videoId: number | null },
) {
  return { since: r.since, until: r.until, ...filter, ...r.counts, publishRate: publishRate(r.counts) }
}

/** The funnel as a terminal shows it: the stages with their shares, then each platform chosen. */
function human(r: { since: string; until: string; counts: FunnelCounts }, scope: string): string {
  const words = LABELS.en
  const c = r.counts
  const when = (iso: string) => localTime(Date.parse(iso))!.slice(0, 16)
  const stages = table(
    ['STEP', 'COUNT', 'OF TAPS', 'OF STEP BEFORE'],
    FUNNEL_STAGES.map((s, i) => [
      words.funnelStep[s.step],
      c[s.count],
      i === 0 ? '' : formatShare(shareOf(c[s.count], c.taps)),
      i === 0 ? '' : formatShare(shareOf(c[s.count], c[FUNNEL_STAGES[i - 1]!.count])),
    ]),
  )
  const platforms = table(
    ['PLATFORM', 'CHOSEN', 'OF TAPS'],
    PlatformSchema.options.map((p) => [
      words.platform[p],
      c.publishChosen[p],
      formatShare(shareOf(c.publishChosen[p], c.taps)),
    ]),
  )
  return [
    `Funnel of ${scope}, taps from ${when(r.since)} to ${when(r.until)}`,
    '',
    stages,
    '',
    platforms,
    '',
    `Publish rate: ${formatShare(publishRate(c))} (platform chosen / taps)`,
  ].join('\n')
}

export function registerFunnel(program: Command): void {
  program
    .command('funnel')
    .description('what customers did with their videos: taps, played, saved, caption copied, platform chosen')
    .option(
      '--since <iso>',
      'taps at or after this time (default: the last 7 days with today), e.g. 2026-11-24',
    )
    .option('--until <iso>', 'taps before this time (default: now)')
    .option('--tag <id>', 'only this tag')
    .option('--video <id>', 'only this video')
    .action(async (opts: { since?: string; until?: string; tag?: string; video?: string }, cmd: Command) => {
      const { dataDir, json } = cmd.optsWithGlobals<{ dataDir?: string; json?: boolean }>()
      const since = opts.since === undefined ? undefined : isoFlag(opts.since, '--since')
      const until = opts.until === undefined ? undefined : isoFlag(opts.until, '--until')
      if (since && until && since >= until) throw new CliError('--since must be before --until', 2)
      const tagId = opts.tag === undefined ? null : oneId(opts.tag, '--tag')
      const videoId = opts.video === undefined ? null : oneId(opts.video, '--video')
      const { invoke } = await connectToHub(dataDir)
      // An unknown id would count nothing without a word: say so (tag-not-found, video-not-found).
      if (tagId !== null) await invoke('tag-get', { id: tagId })
      if (videoId !== null) await invoke('video-get', { id: videoId })
      const r = await invoke('funnel-counts', {
        ...(since ? { since } : {}),
        ...(until ? { until } : {}),
        ...(tagId !== null ? { tagId } : {}),
        ...(videoId !== null ? { videoId } : {}),
      })
      const scope =
        [tagId !== null ? `tag ${tagId}` : '', videoId !== null ? `video ${videoId}` : '']
          .filter(Boolean)
          .join(', ') || 'the whole store'
      emit(json ?? false, funnelJson(r, { tagId, videoId }), () => human(r, scope))
    })
}
