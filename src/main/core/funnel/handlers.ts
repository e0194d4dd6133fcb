import type { HandlerMap } from '../handlers'
import type { FunnelService } from './service'

export function funnelHandlers(
  funnel: FunnelService,
): HandlerMap<'funnel-counts' | 'funnel-breakdown' | 'funnel-transfer'> {
  return {
    'funnel-counts': (args, ctx) => funnel.counts(ctx, args),
    'funnel-breakdown': (args, ctx) => funnel.breakdown(ctx, args),
    'funnel-transfer': (args, ctx) => funnel.ofTransfer(ctx, args.id),
  }
}
