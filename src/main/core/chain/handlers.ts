import type { HandlerMap } from '../handlers'
import type { ChainService } from './service'

export function chainHandlers(chain: ChainService): HandlerMap<'chain-status'> {
  return {
    'chain-status': (_args, ctx) => chain.status(ctx),
  }
}
