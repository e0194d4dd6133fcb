import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * A real pcscd for the tests, with vsmartcard's vpcd driver configured as an ACR122U-named reader (two slots,
 * TCP 35963 and 35964 on this machine). Started in the foreground and stopped by its PID: only one pcscd can run per
 * machine, so the NFC tests run in one file and never touch a pcscd they did not start.
 */
export const PCSCD_SOCKET = '/run/pcscd/pcscd.comm'
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
            'DEVICENAME /dev/null:0x8C7B',
            `LIBPATH ${VPCD_LIB}`,
            'CHANNELID 0x8C7B',
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
    const child = spawn('/usr/sbin/pcscd', ['--foreground', '--info', '-c', join(this.dir, 'reader.conf')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.child = child
    child.stdout!.on('data', (d: Buffer) => (this.log = (this.log + d.toString()).slice(-20000)))
    child.stderr!.on('data', (d: Buffer) => (this.log = (this.log + d.toString()).slice(-20000)))
    child.once('exit', () => {
      if (this.child === child) this.child = null
    })
    // Bounded wait: the socket, then vpcd's listening port (the driver opens it when pcscd loads the reader).
    for (let i = 0; i < 100; i++) {
      if (!this.child) throw new Error(`pcscd exited at start:\n${this.log}`)
      if ((await socketUp()) && (this.opts.reader === false || (await portUp(35963)))) return
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error(`pcscd did not come up in 10 s:\n${this.log}`)
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
