import type { HandlerMap } from '../../handlers'
import { requireRole } from '../../auth/actor'
import type { BatchRunner } from './batch'
import { NfcError, nfcHubError } from './nfc-error'
import type { TagProvisioner } from './provisioner'
import type { NfcPort } from './nfc-port'

/** NfcError → the API's per-reason error code (the console translates by code). */
async function nfc<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    throw err instanceof NfcError ? nfcHubError(err) : err
  }
}

export function nfcHandlers(
  service: NfcPort,
  provisioner: TagProvisioner,
  batches: BatchRunner,
): HandlerMap<
  | 'nfc-status'
  | 'nfc-read'
  | 'nfc-write'
  | 'nfc-batch-start'
  | 'nfc-batch-get'
  | 'nfc-batch-stop'
  | 'nfc-batch-resolve'
> {
  return {
    'nfc-status': (_args, ctx) => {
      requireRole(ctx, 'viewer')
      return service.status()
    },
    'nfc-read': (args, ctx) => nfc(() => provisioner.read(ctx, args)),
    'nfc-write': (args, ctx) =>
      nfc(() => {
        const { tagId, target, label, ...rest } = args
        const spec = tagId !== undefined ? { tagId } : { create: { ...target!, label } }
        return provisioner.write(ctx, { ...spec, ...rest })
      }),
    'nfc-batch-start': (args, ctx) => nfc(() => batches.start(ctx, args)),
    'nfc-batch-get': (_args, ctx) => batches.get(ctx),
    'nfc-batch-stop': (_args, ctx) => batches.stop(ctx),
    'nfc-batch-resolve': (args, ctx) => nfc(() => batches.resolve(ctx, args.itemId, args.action)),
  }
}
