import type { ChainRole } from '../../shared/contract/chain'
import type { ConfigKey } from '../core/config/schema'

export interface HubOptions {
  /** Defaults to the per-OS application-data folder. */
  dataDir?: string
  /** Defaults to <dataDir>/config.json. */
  configFile?: string
  flags?: Partial<Record<ConfigKey, unknown>>
  env?: NodeJS.ProcessEnv
  /** Print readable log lines on stderr as well as to the log files. */
  console?: boolean
  shell?: 'electron' | 'headless'
  /** The built admin console (out/renderer); null serves a "not built" notice. */
  rendererDir?: string | null
  /** Brand profiles shipped with the app; by default resources/brands found above the code. */
  brandsDir?: string
  /** The brand a packaged desktop app was built for (its package.json `tapdropBrand`). */
  defaultBrand?: string
  /** The NFC worker script (tests and the packaged app); by default found next to the built code. */
  nfcWorker?: { path: string; execArgv: string[] }
}

export interface HubStarted {
  adminUrl: string
  lanUrl: string | null
  lanError: string | null
  publicUrl: string
  /** Present on first run only: the one-time link that creates the owner account. */
  setupUrl: string | null
  dataDir: string
  /** The chain settings at start: the role, the object store's bucket and endpoint, what is still missing. */
  chain: { role: ChainRole; location: string | null; missing: string[] }
}
