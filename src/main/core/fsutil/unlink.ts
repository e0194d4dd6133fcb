import { unlinkSync } from 'node:fs'
import { unlink } from 'node:fs/promises'

/*
 * unlink, quiet when the file is not there. Not `rm({ force })`: that walks rimraf's machinery (an lstat and more)
 * per file, and downloads remove two files per object.
 */

const missing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT'

export function unlinkIfThere(path: string): void {
  try {
    unlinkSync(path)
  } catch (err) {
    if (!missing(err)) throw err
  }
}

export async function unlinkIfThereAsync(path: string): Promise<void> {
  await unlink(path).catch((err: unknown) => {
    if (!missing(err)) throw err
  })
}
