import { fork, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from 'pino'
import type { NfcServiceState, NfcStatus } from '../../shared/contract/nfc'
import type {
  CardEvent,
  ChipWrite,
  InspectedTag,
  NfcPort,
  PlacedTag,
} from '../core/tags/programming/nfc-port'
import { NfcError } from '../core/tags/programming/nfc-error'
import type { Transport } from './apdu'
import { inspectChip, readerFeedback, writeChip } from './chip'
import { EXIT_MODULE_MISSING, type FromWorker, type ToWorker } from './protocol'

export interface NfcServiceOptions {
  logger: Logger
  onStatus: (status: NfcStatus) => void
  /** The worker script; by default the built out/main/nfc-worker.js, or the TypeScript source under tsx. */
  worker?: { path: string; execArgv: string[] }
  /** Environment for the worker (PCSCLITE_CSOCK_NAME, TAPDROP_NFC_POLL_MS). */
  env?: NodeJS.ProcessEnv
  transmitTimeoutMs?: number
}

const RESTART_MS = 300

function defaultWorker(): { path: string; execArgv: string[] } {
  // Built: out/main/nfc-worker.js, next to cli.js and index.js (this code may sit in out/main/chunks).
  for (const p of [join(__dirname, 'nfc-worker.js'), join(__dirname, '..', 'nfc-worker.js')])
    if (existsSync(p)) return { path: p, execArgv: [] }
  return { path: join(__dirname, 'worker.ts'), execArgv: ['--import', 'tsx'] }
}

/**
 * The hub's side of NFC: a worker process that owns nfc-pcsc (see worker.ts), restarted when pcscd comes and goes,
 * and a Transport per reader that sends APDUs through it. Never blocks or crashes the hub, whatever the reader does.
 */
export class NfcService implements NfcPort {
  private child: ChildProcess | null = null
  private state: NfcServiceState = 'off'
  private detail: string | null = null
  private readonly readers = new Map<string, PlacedTag | null>()
  private readonly pending = new Map<
    number,
    { reader: string; resolve: (b: Buffer) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >()
  private readonly listeners = new Set<(e: CardEvent) => void>()
  private nextId = 1
  private seq = 0
  private stopped = true
  private restartTimer: NodeJS.Timeout | null = null

  constructor(private readonly o: NfcServiceOptions) {}

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.spawn()
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.restartTimer) clearTimeout(this.restartTimer)
    const child = this.child
    this.child = null
    this.failPending(() => new NfcError('unavailable', 'the hub is stopping'))
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000)
      await exited
      clearTimeout(timer)
    }
    this.readers.clear()
    this.setState('off', null)
  }

  status(): NfcStatus {
    return {
      service: this.state,
      detail: this.detail,
      readers: [...this.readers].map(([name, tag]) => ({
        name,
        tag: tag ? { uid: tag.uid, since: new Date(tag.since).toISOString() } : null,
      })),
    }
  }

  /** The worker's process id (diagnostics, and tests that check it sleeps while pcscd is away). */
  get workerPid(): number | null {
    return this.child?.pid ?? null
  }

  get ready(): boolean {
    return this.state === 'ready'
  }

  readerNames(): string[] {
    return [...this.readers.keys()]
  }

  present(reader: string): PlacedTag | null {
    return this.readers.get(reader) ?? null
  }

  onCard(listener: (e: CardEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  inspect(reader: string): Promise<InspectedTag> {
    return inspectChip(this.transport(reader))
  }

  write(reader: string, inspected: InspectedTag, w: ChipWrite): Promise<{ apdus: number }> {
    return writeChip(this.transport(reader), inspected, w)
  }

  feedback(reader: string, outcome: 'ok' | 'fail'): Promise<void> {
    return readerFeedback(reader, this.transport(reader), outcome)
  }

  /** Sends APDUs to the tag on one reader. A tag taken away fails the command in flight with `removed`. */
  transport(reader: string): Transport {
    return {
      transmit: (apdu, max) =>
        new Promise<Buffer>((resolve, reject) => {
          const child = this.child
          if (!child?.connected || !this.readers.get(reader))
            return reject(new NfcError('removed', `no tag on ${reader}`))
          const id = this.nextId++
          const timer = setTimeout(() => {
            this.pending.delete(id)
            reject(new NfcError('removed', 'the tag stopped answering'))
          }, this.o.transmitTimeoutMs ?? 5000)
          this.pending.set(id, { reader, resolve, reject, timer })
          const m: ToWorker = { t: 'transmit', id, reader, apdu: apdu.toString('hex'), max }
          child.send(m)
        }),
    }
  }

  /**
   * Resolves with a tag on a reader: the one lying there (when `takePresent`) or the next one placed. Picks `reader`
   * if given, else any reader. Fails with a clear reason on timeout, no service or no reader.
   */
  waitForTag(opts: {
    reader?: string | undefined
    timeoutMs: number
    takePresent: boolean
    signal?: AbortSignal
  }): Promise<PlacedTag> {
    const matches = (name: string) => !opts.reader || name === opts.reader
    if (opts.takePresent)
      for (const [name, tag] of this.readers) if (tag && matches(name)) return Promise.resolve(tag)
    if (this.state !== 'ready' && this.state !== 'starting' && this.state !== 'unavailable')
      return Promise.reject(this.unavailableError())
    return new Promise<PlacedTag>((resolve, reject) => {
      const done = (err: Error | null, tag?: PlacedTag) => {
        clearTimeout(timer)
        off()
        opts.signal?.removeEventListener('abort', onAbort)
        if (err) reject(err)
        else resolve(tag!)
      }
      const off = this.onCard((e) => {
        if (e.type === 'placed' && matches(e.tag.reader)) done(null, e.tag)
      })
      const timer = setTimeout(() => {
        if (this.state !== 'ready') done(this.unavailableError())
        else if (this.readers.size === 0)
          done(new NfcError('no-reader', 'no NFC reader is connected; plug in the USB reader'))
        else if (opts.reader && !this.readers.has(opts.reader))
          done(
            new NfcError(
              'no-reader',
              `no reader named "${opts.reader}"; connected: ${this.readerNames().join(', ')}`,
            ),
          )
        else done(new NfcError('timeout', `no tag was placed within ${Math.round(opts.timeoutMs / 1000)} s`))
      }, opts.timeoutMs)
      const onAbort = () => done(new NfcError('timeout', 'cancelled'))
      opts.signal?.addEventListener('abort', onAbort)
    })
  }

  private unavailableError(): NfcError {
    if (this.state === 'module-missing')
      return new NfcError('unavailable', this.detail ?? 'NFC is unavailable')
    if (this.state === 'off') return new NfcError('unavailable', 'NFC is switched off in Settings')
    return new NfcError('unavailable', this.detail ?? 'the reader service (pcscd) is unavailable')
  }

  private spawn(): void {
    const w = this.o.worker ?? defaultWorker()
    this.setState('starting', null)
    let child: ChildProcess
    try {
      child = fork(w.path, [], {
        execArgv: w.execArgv,
        env: { ...process.env, ...this.o.env },
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      })
    } catch (err) {
      this.setState('module-missing', `the NFC worker could not start: ${(err as Error).message}`)
      return
    }
    this.child = child
    let stderr = ''
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000)
    })
    child.on('message', (m: FromWorker) => this.onMessage(m))
    child.on('error', (err) => this.o.logger.warn({ err }, 'NFC worker error'))
    child.on('exit', (code, signal) => {
      if (this.child !== child) return
      this.child = null
      const hadReaders = this.readers.size > 0
      this.readers.clear()
      this.failPending(() => new NfcError('removed', 'the reader service went away during the command'))
      if (this.stopped) return
      if (code === EXIT_MODULE_MISSING) {
        this.setState('module-missing', this.detail ?? 'the NFC module could not be loaded')
        return
      }
      this.o.logger.warn(
        { code, signal, stderr: stderr.trim() || undefined, hadReaders },
        'NFC worker ended; starting a new one',
      )
      this.setState('unavailable', 'the reader service (pcscd) stopped; waiting for it to come back')
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null
        if (!this.stopped) this.spawn()
      }, RESTART_MS)
    })
  }

  private onMessage(m: FromWorker): void {
    switch (m.t) {
      case 'state':
        if (m.state === 'ready') this.setState('ready', null)
        else if (m.state === 'waiting-service') this.setState('unavailable', m.detail)
        else this.setState('module-missing', m.detail)
        return
      case 'reader':
        if (m.present) this.readers.set(m.name, null)
        else {
          this.readers.delete(m.name)
          this.failPending(() => new NfcError('removed', `the reader ${m.name} was unplugged`), m.name)
        }
        this.o.logger.info(
          { reader: m.name, present: m.present },
          m.present ? 'reader attached' : 'reader removed',
        )
        this.changed()
        return
      case 'card': {
        const tag: PlacedTag = { reader: m.reader, uid: m.uid, seq: ++this.seq, since: Date.now() }
        this.readers.set(m.reader, tag)
        this.changed()
        this.emitCard({ type: 'placed', tag })
        return
      }
      case 'card-off':
        if (this.readers.has(m.reader)) this.readers.set(m.reader, null)
        this.failPending(() => new NfcError('removed', 'the tag was removed'), m.reader)
        this.changed()
        this.emitCard({ type: 'removed', reader: m.reader })
        return
      case 'result': {
        const p = this.pending.get(m.id)
        if (!p) return
        this.pending.delete(m.id)
        clearTimeout(p.timer)
        if (m.ok) p.resolve(Buffer.from(m.data, 'hex'))
        else
          p.reject(
            new NfcError('removed', m.noCard ? 'the tag was removed' : `the reader failed: ${m.error}`),
          )
        return
      }
      case 'log':
        this.o.logger[m.level](m.data ?? {}, m.msg)
        return
    }
  }

  private emitCard(e: CardEvent): void {
    for (const l of this.listeners) {
      try {
        l(e)
      } catch (err) {
        this.o.logger.error({ err }, 'NFC card listener failed')
      }
    }
  }

  private failPending(error: () => Error, reader?: string): void {
    for (const [id, p] of this.pending) {
      if (reader && p.reader !== reader) continue
      this.pending.delete(id)
      clearTimeout(p.timer)
      p.reject(error())
    }
  }

  private setState(state: NfcServiceState, detail: string | null): void {
    if (state === this.state && detail === this.detail) return
    this.state = state
    this.detail = detail
    this.o.logger.info({ state, detail }, 'NFC service')
    this.changed()
  }

  private changed(): void {
    this.o.onStatus(this.status())
  }
}
