import { join } from 'node:path'

export const REPO = join(__dirname, '..', '..')
export const CLI = join(REPO, 'bin', 'tapdrop.cjs')
export const RENDERER_DIR = join(REPO, 'out', 'renderer')

/**
 * The data directory a hub or CLI under test gets when a test forgets `--data-dir` / `dataDir`: a path under a
 * file, so creating it fails at once and names this constant's text, instead of the test using (or finding the
 * running hub of) the real `~/.config/TapDrop`.
 */
export const NO_DATA_DIR = '/dev/null/tests-must-pass-a-data-dir'
