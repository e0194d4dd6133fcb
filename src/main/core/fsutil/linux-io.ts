/**
 * Our optional addon `@tapdrop/linux-io` (native/linux-io): the Linux system calls Node lacks. Built by `npm ci`
 * on Linux; on Windows and macOS, or without a compiler, it is absent and every caller has a portable path.
 */

export interface SendfileConnection {
  readonly __brand: 'sendfile-connection'
}

export interface ReceiveHandle {
  readonly __brand: 'receive'
}

export interface Blake3Hasher {
  readonly __brand: 'blake3'
}

export interface LinuxIo {
  open(socketFd: number): SendfileConnection
  send(conn: SendfileConnection, fileFd: number, offset: number, length: number): number
  waitWritable(conn: SendfileConnection, cb: (status: number) => void): void
  close(conn: SendfileConnection): void
  cork(conn: SendfileConnection, on: boolean): number
  startWriteback(fd: number, offset: number, length: number, cb: (status: number) => void): void
  receive(
    socketFd: number,
    fileFd: number,
    offset: number,
    length: number,
    silenceMs: number,
    progress: (written: number) => void,
    done: (status: number, written: number, writeError: number) => void,
    stopOnWriteError?: boolean,
  ): ReceiveHandle
  cancelReceive(handle: ReceiveHandle): void
  blake3New(): Blake3Hasher
  blake3Update(hasher: Blake3Hasher, bytes: Buffer): void
  blake3UpdateFromFile(hasher: Blake3Hasher, fd: number, offset: number, length: number): number
  blake3Hex(hasher: Blake3Hasher): string
}

let loaded: LinuxIo | null | undefined

/** The addon, or null where it is not built or `TAPDROP_LINUX_IO=0` turns it off. Loaded once. */
export function linuxIo(): LinuxIo | null {
  if (loaded !== undefined) return loaded
  if (process.env.TAPDROP_LINUX_IO === '0') return (loaded = null)
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require('@tapdrop/linux-io') as LinuxIo
  } catch {
    loaded = null
  }
  return loaded
}

/** For tests: stands in for the addon (`null`: as on Windows and macOS); `undefined` loads the real one again. */
export function replaceLinuxIo(value: LinuxIo | null | undefined): void {
  loaded = value
}
