/**
 * The NFC worker: a child process that owns nfc-pcsc, so that its failure modes (a busy-spinning JS thread while
 * pcscd is down, readers that never recover after pcscd restarts, `error` events that would crash a process) stay
 * out of the hub. It waits for pcscd without touching nfc-pcsc, reports readers and tags, and transmits APDUs on
 * request. When pcscd goes away it exits; the hub starts a fresh one.
 */
import { connect } from 'node:net'
import { EXIT_MODULE_MISSING, EXIT_SERVICE_LOST, type FromWorker, type ToWorker } from './protocol'

interface NfcReader {
  reader: { name: string }
  autoProcessing: boolean
  card: unknown
  transmit(data: Buffer, max: number): Promise<Buffer>
  on(event: 'card', listener: (card: { uid?: string; atr?: Buffer }) => void): void
  on(event: 'card.off' | 'end', listener: () => void): void
  on(event: 'error', listener: (err: Error) => void): void
  close(): void
}
interface NfcRoot {
  on(event: 'reader', listener: (reader: NfcReader) => void): void
  on(event: 'error', listener: (err: Error) => void): void
  close(): void
}

const SOCKET = process.env.PCSCLITE_CSOCK_NAME || '/run/pcscd/pcscd.comm'
const POLL_MS = Number(process.env.TAPDROP_NFC_POLL_MS) || 1000

function send(m: FromWorker): void {
  process.send?.(m)
}

function log(level: 'debug' | 'info' | 'warn' | 'error', msg: string, data?: Record<string, unknown>): void {
  send({ t: 'log', level, msg, data })
}

/** Whether pcscd accepts connections on its socket (the file alone can outlive a killed pcscd). */
function serviceUp(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(SOCKET)
    const done = (up: boolean) => {
      s.destroy()
      resolve(up)
    }
    s.setTimeout(1000, () => done(false))
    s.once('connect', () => done(true))
    s.once('error', () => done(false))
  })
}

/** PC/SC errors that mean the service itself is gone (SCARD_E_NO_SERVICE, SCARD_E_SERVICE_STOPPED). */
function serviceLost(err: unknown): boolean {
  const text =
    String((err as { message?: string })?.message ?? err) +
    String((err as { previous?: unknown })?.previous ?? '')
  return /0x8010001[dD]|0x8010001[eE]|0x80100013|no service|service stopped/i.test(text)
}

function loadModule(): (new () => NfcRoot) | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('nfc-pcsc') as { NFC: new () => NfcRoot }).NFC
  } catch (err) {
    const message = (err as Error).message.split('\n')[0] ?? ''
    send({
      t: 'state',
      state: 'module-missing',
      detail:
        `the NFC module (nfc-pcsc) could not be loaded: ${message}. ` +
        'Install the PC/SC headers (Debian: apt-get install libpcsclite-dev pcscd) and run `npm install` again.',
    })
    return null
  }
}

const readers = new Map<string, NfcReader>()

async function transmit(m: Extract<ToWorker, { t: 'transmit' }>): Promise<void> {
  const r = readers.get(m.reader)
  if (!r || !r.card) {
    send({ t: 'result', id: m.id, ok: false, error: `no tag on ${m.reader}`, noCard: true })
    return
  }
  try {
    const res = await r.transmit(Buffer.from(m.apdu, 'hex'), m.max)
    send({ t: 'result', id: m.id, ok: true, data: res.toString('hex') })
  } catch (err) {
    const e = err as { message: string; previous?: { message?: string } }
    const error = e.previous?.message ? `${e.message} (${e.previous.message})` : e.message
    send({ t: 'result', id: m.id, ok: false, error, noCard: !r.card })
  }
}

function exit(code: number): never {
  // Give the IPC channel a moment to deliver the last messages.
  process.exit(code)
}

async function main(): Promise<void> {
  const NFC = loadModule()
  if (!NFC) {
    setTimeout(() => exit(EXIT_MODULE_MISSING), 50)
    return
  }
  if (!(await serviceUp())) {
    send({
      t: 'state',
      state: 'waiting-service',
      detail: `the PC/SC service (pcscd) is not running (${SOCKET})`,
    })
    // A sleeping poll, never nfc-pcsc: its own retry loop spins at 100 % CPU while pcscd is away.
    while (!(await serviceUp())) await new Promise((r) => setTimeout(r, POLL_MS))
  }
  const nfc = new NFC()
  send({ t: 'state', state: 'ready', detail: null })
  nfc.on('error', (err) => {
    log('warn', 'PC/SC error', { err: err.message })
    if (serviceLost(err)) exit(EXIT_SERVICE_LOST)
  })
  nfc.on('reader', (reader) => {
    const name = reader.reader.name
    readers.set(name, reader)
    send({ t: 'reader', name, present: true })
    reader.on('card', (card) => {
      send({
        t: 'card',
        reader: name,
        uid: card.uid ?? null,
        atr: card.atr ? card.atr.toString('hex') : null,
      })
    })
    reader.on('card.off', () => send({ t: 'card-off', reader: name }))
    // Unhandled, a reader's `error` would end the process; most are a tag pulled away mid-command.
    reader.on('error', (err) => {
      if (serviceLost(err)) {
        log('warn', 'PC/SC service lost', { reader: name, err: err.message })
        exit(EXIT_SERVICE_LOST)
      }
      log('debug', 'reader error', { reader: name, err: err.message })
    })
    reader.on('end', () => {
      readers.delete(name)
      send({ t: 'reader', name, present: false })
    })
  })
  // pcscd can also vanish without an error on an idle reader: look every second.
  const watch = setInterval(() => {
    void serviceUp().then((up) => {
      if (!up) {
        clearInterval(watch)
        log('warn', 'PC/SC service went away')
        exit(EXIT_SERVICE_LOST)
      }
    })
  }, POLL_MS)
}

process.on('message', (m: ToWorker) => {
  if (m.t === 'transmit') void transmit(m)
})
// The hub going away (IPC closed) ends the worker too.
process.on('disconnect', () => exit(0))
process.on('uncaughtException', (err) => {
  log('error', 'NFC worker crashed', { err: err.message, stack: err.stack })
  setTimeout(() => exit(1), 50)
})
void main()
