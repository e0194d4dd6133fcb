import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * A real pcscd for the tests, with vsmartcard's vpcd driver configured as an ACR122U-named reader (two slots,
 * TCP VPCD_PORT and VPCD_PORT + 1 on this machine). Started in the foreground and stopped by its PID: only one pcscd
 * can run per machine, so the NFC tests run in one file and never touch a pcscd they did not start.
 */
export const PCSCD_SOCKET = '/run/pcscd/pcscd.comm'
/**
 * The virtual reader's first slot; the second is the next port. Below Linux's ephemeral range (32768–60999): with
 * vpcd's default (35963, inside it) a port the OS had just given a test's listener or connection made vpcd fail to
 * bind, and pcscd ran with no reader at all (CI: "NFC status never became ready with two readers").
 */
export const VPCD_PORT = 29171
export const VPCD_LIB = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so'
export const READER_0 = 'ACS ACR122U PICC Interface 00 00'
export const READER_1 = 'ACS ACR122U PICC Interface 00 01'

export function pcscAvailable(): string | null {
  if (!existsSync('/usr/sbin/pcscd')) return 'pcscd is not installed (apt-get install pcscd)'
  if (!existsSync(VPCD_LIB)) return 'vsmartcard-vpcd is not installed (apt-get install vsmartcard-vpcd)'
  return null
}

function socketUp(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(PCSCD_SOCKET)
    s.once('connect', () => {
      s.destroy()
      resolve(true)
    })
    s.once('error', () => resolve(false))
  })
}

/** Whether `port` can be bound on every address right now (as vpcd binds it). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)))
  })
}

function portUp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1')
    s.once('connect', () => {
      // vpcd treats a connection as a card: close at once (it is seen only after ~0.4 s).
      s.destroy()
      resolve(true)
    })
    s.once('error', () => resolve(false))
  })
}

export class Pcscd {
  private child: ChildProcess | null = null
  private readonly dir = mkdtempSync(join(tmpdir(), 'tapdrop-pcscd-'))
  log = ''

  /** `reader: false` runs pcscd with no reader at all (the "no reader plugged in" case). */
  constructor(private readonly opts: { reader?: boolean } = {}) {
    writeFileSync(
      join(this.dir, 'reader.conf'),
      opts.reader === false
        ? ''
        : [
            'FRIENDLYNAME "ACS ACR122U PICC Interface"',
            `DEVICENAME /dev/null:0x${VPCD_PORT.toString(16)}`,
            `LIBPATH ${VPCD_LIB}`,
            `CHANNELID 0x${VPCD_PORT.toString(16)}`,
            '',
          ].join('\n'),
    )
  }

  get pid(): number | null {
    return this.child?.pid ?? null
  }

  async start(): Promise<void> {
    if (this.child) return
    if (await socketUp()) throw new Error(`another pcscd is already running (${PCSCD_SOCKET}); stop it first`)
    // Something else on a slot's port would leave pcscd up with no reader, and the port answering our probe.
    if (this.opts.reader !== false)
      for (const port of [VPCD_PORT, VPCD_PORT + 1])
        if (!(await portFree(port)))
          throw new Error(
            `port ${port} is in use by another program: the virtual reader (vpcd) cannot listen there`,
          )
    // This run's log only: a restarted pcscd must say "daemon ready" (and no reader failure) again.
    this.log = ''
    const child = spawn('/usr/sbin/pcscd', ['--foreground', '--info', '-c', join(this.dir, 'reader.conf')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.child = child
    child.stdout!.on('data', (d: Buffer) => (this.log = (this.log + d.toString()).slice(-20000)))
    child.stderr!.on('data', (d: Buffer) => (this.log = (this.log + d.toString()).slice(-20000)))
    child.once('exit', () => {
      if (this.child === child) this.child = null
    })
    // A spawn that fails (no binary, no permission) ends the wait below as "exited at start", not as a crash.
    child.once('error', (err) => {
      this.log += `\n${err.message}`
      if (this.child === child) this.child = null
    })
    // Bounded wait: the socket, then vpcd's listening port (the driver opens it when pcscd loads the reader), and
    // pcscd saying it is ready with both readers started (a reader that failed is logged, and pcscd runs on).
    for (let i = 0; i < 100; i++) {
      if (!this.child) throw new Error(`pcscd exited at start:\n${this.log}`)
      if (
        (await socketUp()) &&
        (this.opts.reader === false || (await portUp(VPCD_PORT))) &&
        /daemon ready/.test(this.log)
      ) {
        if (!/init failed|Could not initialize/.test(this.log)) return
        const log = this.log
        await this.stop()
        throw new Error(`pcscd started without its virtual reader:\n${log}`)
      }
      await new Promise((r) => setTimeout(r, 100))
    }
    const log = this.log
    await this.stop()
    throw new Error(`pcscd did not come up in 10 s:\n${log}`)
  }

  /** Stops our pcscd (SIGTERM, then SIGKILL) and waits for it to be gone. */
  async stop(): Promise<void> {
    const child = this.child
    if (!child) return
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
    await exited
    clearTimeout(timer)
    this.child = null
  }
}
