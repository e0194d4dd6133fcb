import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { dirname, basename, join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { open } from 'node:fs/promises'

/**
 * Writes a whole file so that a crash at any moment leaves either the old or the new content, never a mix:
 * write a temporary sibling, fsync it, rename over the target, fsync the folder.
 */
export function writeFileAtomic(file: string, data: string | Buffer, mode = 0o644): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  const fd = openSync(tmp, 'w', mode)
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data)
    fsyncSync(fd)
  } catch (err) {
    closeSync(fd)
    try {
      unlinkSync(tmp)
    } catch {
      /* already gone */
    }
    throw err
  }
  closeSync(fd)
  renameSync(tmp, file)
  syncDir(dirname(file))
}

export function syncDir(dir: string): void {
  // Directory fsync makes the rename itself durable; Windows cannot open folders for this, and does not need it.
  if (process.platform === 'win32') return
  const fd = openSync(dir, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/** syncDir without stalling the event loop (a store's downloads rename a file each; phones are served meanwhile). */
export async function syncDirAsync(dir: string): Promise<void> {
  if (process.platform === 'win32') return
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * Flushes a file's data to disk before the database records it, so a power cut cannot leave a row without its
 * bytes. Asynchronous: flushing gigabytes must not stall the event loop that serves phones.
 */
export async function fsyncFile(file: string): Promise<void> {
  const handle = await open(file, 'r+')
  try {
    await handle.datasync()
  } finally {
    await handle.close()
  }
}
