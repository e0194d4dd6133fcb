import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import pino, { type Logger, type Level } from 'pino'
import pinoRoll from 'pino-roll'

export type { Logger }

export interface LoggerOptions {
  dir: string
  level: Level
  maxMegabytes: number
  files: number
  /** Also print readable lines on stderr (the headless hub in a terminal). */
  console: boolean
}

export interface LogSink {
  logger: Logger
  close(): Promise<void>
}

// Secrets never reach a log line, whichever object they ride in on.
const REDACT = [
  'password',
  'newPassword',
  'currentPassword',
  'token',
  'setupToken',
  'cookie',
  'authorization',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.token',
  '*.setupToken',
  'headers.cookie',
  'headers.authorization',
  '*.headers.cookie',
  '*.headers.authorization',
  // The chain's object-store keys (config keys and the S3 client's names): the hub logs a masked access key itself.
  'chainSecretKey',
  'chainAccessKey',
  'secretAccessKey',
  'accessKeyId',
  '*.chainSecretKey',
  // The salt of shipped device ids: with it, a device id could be tested against the hashes headquarters holds.
  'chainRecordsSalt',
  '*.chainRecordsSalt',
  '*.chainAccessKey',
  '*.secretAccessKey',
  '*.accessKeyId',
  '*.credentials',
  // Douyin's client secret and the client_token its API takes in this header.
  'clientSecret',
  'client_secret',
  'douyinClientSecret',
  '*.clientSecret',
  '*.client_secret',
  '*.douyinClientSecret',
  'headers["access-token"]',
  '*.headers["access-token"]',
]

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
  50: 'ERROR',
  60: 'FATAL',
}

/** Turns pino's JSON lines into `12:00:01 INFO  [auth] login user=alice` for a person watching the terminal. */
function consoleStream(): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue
        try {
          const {
            time,
            level,
            msg,
            scope,
            pid: _pid,
            hostname: _h,
            err,
            ...rest
          } = JSON.parse(line) as Record<string, unknown>
          const t = new Date(time as number).toTimeString().slice(0, 8)
          const extra = Object.entries(rest)
            .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
            .join(' ')
          const errText =
            err && typeof err === 'object' ? ` — ${(err as { message?: string }).message ?? ''}` : ''
          process.stderr.write(
            `${t} ${LEVEL_NAMES[level as number] ?? level} [${scope ?? 'hub'}] ${msg ?? ''}${errText}${extra ? ' ' + extra : ''}\n`,
          )
        } catch {
          process.stderr.write(line + '\n')
        }
      }
      done()
    },
  })
}

/** Log lines kept in memory while the log file cannot be written (a full disk). */
const LOG_BACKLOG_BYTES = 4 << 20

/** One logger for the whole hub, writing size-capped files (hub.N.log) in the data directory's logs folder. */
export async function createLogSink(options: LoggerOptions): Promise<LogSink> {
  mkdirSync(options.dir, { recursive: true })
  const file = await pinoRoll({
    file: join(options.dir, 'hub'),
    extension: '.log',
    size: `${options.maxMegabytes}m`,
    mkdir: true,
    // `count` is in addition to the current file; removeOtherLogFiles caps files left by earlier runs too.
    limit: { count: Math.max(0, options.files - 1), removeOtherLogFiles: true },
    maxLength: LOG_BACKLOG_BYTES,
  })
  // A full disk must not stop the hub. The file stream reports a failed write as an 'error' event, which with no
  // listener is an uncaught exception: the headless hub exited on the first log line after the disk filled up.
  // Lines that could not be written stay queued (up to LOG_BACKLOG_BYTES, then new ones are dropped) and go out
  // with the next line once there is room again.
  let lastReport = 0
  file.on('error', (err: Error) => {
    if (Date.now() - lastReport < 60_000) return
    lastReport = Date.now()
    process.stderr.write(`the log file cannot be written (${err.message}); lines wait in memory\n`)
  })
  const streams: pino.StreamEntry[] = [{ level: options.level, stream: file }]
  if (options.console) streams.push({ level: options.level, stream: consoleStream() })
  const logger = pino(
    { level: options.level, redact: { paths: REDACT, censor: '[redacted]' }, base: { pid: process.pid } },
    pino.multistream(streams),
  )
  return {
    logger,
    close: () =>
      new Promise<void>((resolve) => {
        // With the disk still full the queued lines cannot be written and the file never reports 'close'.
        const giveUp = setTimeout(resolve, 2000)
        file.once('close', () => {
          clearTimeout(giveUp)
          resolve()
        })
        try {
          logger.flush()
          file.end()
        } catch {
          clearTimeout(giveUp)
          resolve()
        }
      }),
  }
}

/** A logger that drops everything, for code paths used before the data directory exists. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' })
}
