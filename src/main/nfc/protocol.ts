/** Messages between the hub and its NFC worker process (child_process IPC, JSON). Bytes travel as hex. */

export type WorkerState =
  /** pcscd (the PC/SC service) is not running or not reachable: the worker waits for it without spinning. */
  | 'waiting-service'
  /** Connected to pcscd; readers come and go as events. */
  | 'ready'
  /** nfc-pcsc (or its native PC/SC binding) cannot be loaded: detail says why and how to fix it. */
  | 'module-missing'

export type ToWorker = { t: 'transmit'; id: number; reader: string; apdu: string; max: number }

export type FromWorker =
  | { t: 'state'; state: WorkerState; detail: string | null }
  | { t: 'reader'; name: string; present: boolean }
  | { t: 'card'; reader: string; uid: string | null; atr: string | null }
  | { t: 'card-off'; reader: string }
  | { t: 'result'; id: number; ok: true; data: string }
  | { t: 'result'; id: number; ok: false; error: string; noCard: boolean }
  | { t: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; msg: string; data?: Record<string, unknown> }

/** Exit codes the hub reads: the first means "do not restart me, the native module is missing". */
export const EXIT_MODULE_MISSING = 3
/** pcscd went away: nfc-pcsc never recovers in-process, so the worker ends and the hub starts a fresh one. */
export const EXIT_SERVICE_LOST = 4
