import { join } from 'node:path'

export const REPO = join(__dirname, '..', '..')
export const CLI = join(REPO, 'bin', 'tapdrop.cjs')
export const RENDERER_DIR = join(REPO, 'out', 'renderer')
