/** A duplicate of a connected socket's descriptor, watched for writability on Node's own event loop. */
export type Connection = object & { readonly __brand: 'sendfile-connection' }

/** Duplicates `socketFd` (Node keeps its own); throws on failure. */
export function open(socketFd: number): Connection
/**
 * Sends up to `length` bytes of `fileFd` from `offset` without waiting for the network: until done or the socket
 * buffer is full. Returns the bytes handed to the socket (0 when it is full), or a negative errno
 * (-ENODATA when the file ends first).
 */
export function send(conn: Connection, fileFd: number, offset: number, length: number): number
/** Calls `callback(status)` once the socket can take more bytes, or has failed (status < 0) or hung up. */
export function waitWritable(conn: Connection, callback: (status: number) => void): void
/**
 * TCP_CORK on or off for the connection's socket: while on, the kernel sends only full segments, so headers written
 * before a sendfile leave together with the first file bytes. Turning it off sends what is held at once. 0 or -errno.
 */
export function cork(conn: Connection, on: boolean): number
/** Stops watching and closes the duplicate; safe to call twice. A pending wait is dropped without a call. */
export function close(conn: Connection): void
/**
 * Starts writing `length` bytes of `fd` from `offset` to disk (sync_file_range, SYNC_FILE_RANGE_WRITE) on libuv's
 * thread pool, without the drive-cache barrier of fdatasync; `callback(status)`: 0 or -errno. Keep `fd` open
 * until the callback. Not a durability point: an fdatasync at the end is.
 */
export function startWriteback(
  fd: number,
  offset: number,
  length: number,
  callback: (status: number) => void,
): void

/** A receive in progress, for cancelReceive. */
export type Receive = object & { readonly __brand: 'receive' }
/**
 * Reads exactly `length` bytes from the socket (a duplicate of `socketFd`) and writes them to `fileFd` from
 * `offset`, on the addon's receiving threads (epoll; receive.c), starting the disk's writeback every 32 MiB. The
 * caller has stopped Node reading the socket. `progress(written)` every 4 MiB or so, never after `done`;
 * `done(status, written, writeError)`: status 0 or -errno (-ECONNRESET: closed early, -ETIMEDOUT: silent for
 * `silenceMs`, -ECANCELED: cancelled, -ENOSPC: the disk is full …); writeError: 0 or the -errno of the first failed
 * write. After a failed write the rest of the body is read and dropped (so an upload's client can be answered),
 * unless `stopOnWriteError`. Throws when no receiving thread can start.
 */
export function receive(
  socketFd: number,
  fileFd: number,
  offset: number,
  length: number,
  silenceMs: number,
  progress: (written: number) => void,
  done: (status: number, written: number, writeError: number) => void,
  stopOnWriteError?: boolean,
): Receive
/** Ends a receive early; its `done` follows with -ECANCELED. Safe after it finished. */
export function cancelReceive(handle: Receive): void

/** A BLAKE3 hasher (hash.c): the official C implementation, vendored in blake3/. */
export type Blake3 = object & { readonly __brand: 'blake3' }
export function blake3New(): Blake3
/** Hashes bytes in memory. */
export function blake3Update(hasher: Blake3, bytes: Buffer): void
/**
 * Reads `length` bytes of `fd` from `offset` and hashes them, synchronously (call it off the event loop). Returns the
 * bytes hashed, fewer when the file ends first, or a negative errno.
 */
export function blake3UpdateFromFile(hasher: Blake3, fd: number, offset: number, length: number): number
/** The digest so far (32 bytes) as lower-case hex; the hasher can go on. */
export function blake3Hex(hasher: Blake3): string
