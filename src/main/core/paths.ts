import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

export const APP_DIR_NAME = 'TapDrop'

/**
 * The per-OS application-data folder, the same one Electron's `app.getPath('userData')` gives for this app,
 * so the desktop app and the headless hub share one data directory by default.
 */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.TAPDROP_DATA_DIR) return resolve(env.TAPDROP_DATA_DIR)
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_DIR_NAME)
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_DIR_NAME)
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), APP_DIR_NAME)
}

/** Where everything lives inside a data directory. Hub-made names only; no user input reaches these paths. */
export function dataPaths(dataDir: string) {
  const root = resolve(dataDir)
  return {
    root,
    config: join(root, 'config.json'),
    database: join(root, 'tapdrop.db'),
    backups: join(root, 'backups'),
    logs: join(root, 'logs'),
    run: join(root, 'run'),
    runFile: join(root, 'run', 'hub.json'),
    media: join(root, 'media'),
    tmp: join(root, 'tmp'),
    /** Files the hub makes from others and can make again (a font's face copied out of its collection). */
    cache: join(root, 'cache'),
  }
}

export type DataPaths = ReturnType<typeof dataPaths>
