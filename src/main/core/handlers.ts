import type { MethodArgs, MethodName, MethodResult } from '../../shared/contract'
import type { CallContext } from './auth/actor'

export type Handler<M extends MethodName> = (
  args: MethodArgs<M>,
  ctx: CallContext,
) => MethodResult<M> | Promise<MethodResult<M>>
export type HandlerMap<K extends MethodName> = { [M in K]: Handler<M> }
export type Handlers = HandlerMap<MethodName>

/** Merges domain handler maps; a method registered twice is a programming error. */
export function mergeHandlers(...maps: Array<Partial<Handlers>>): Handlers {
  const merged: Record<string, unknown> = {}
  for (const map of maps) {
    for (const [name, fn] of Object.entries(map)) {
      if (name in merged) throw new Error(`handler registered twice: ${name}`)
      merged[name] = fn
    }
  }
  return merged as Handlers
}
