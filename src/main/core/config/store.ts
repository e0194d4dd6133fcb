import { readFileSync, existsSync } from 'node:fs'
import { hubText } from '../../../shared/contract/texts'
import { refusal } from '../errors'
import { writeFileAtomic } from '../fsutil/atomic'
import { ConfigSchema, envName, type Config, type ConfigKey } from './schema'
import type { LoadedConfig, ConfigSources } from './load'

type Listener = (changed: ConfigKey[]) => void

/**
 * The live configuration. Settings the admin changes are written to the same config.json the hub reads at start,
 * so there is one place to look. Values pinned by an environment variable or a flag cannot be changed from the UI.
 */
export class ConfigStore {
  private loaded: LoadedConfig
  private listeners = new Set<Listener>()

  constructor(loaded: LoadedConfig) {
    this.loaded = loaded
  }

  get values(): Readonly<Config> {
    return this.loaded.values
  }

  get sources(): Readonly<ConfigSources> {
    return this.loaded.sources
  }

  get file(): string {
    return this.loaded.file
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Validates a change without applying it: the keys whose value would change, and their new values. */
  preview(patch: Partial<Config>): { changed: ConfigKey[]; next: Config } {
    const keys = (Object.keys(patch) as ConfigKey[]).filter((k) => patch[k] !== undefined)
    this.assertEditable(keys)
    const next = ConfigSchema.parse({ ...this.loaded.values, ...patch })
    return {
      changed: keys.filter((k) => JSON.stringify(this.loaded.values[k]) !== JSON.stringify(next[k])),
      next,
    }
  }

  private assertEditable(keys: ConfigKey[]): void {
    for (const key of keys) {
      const source = this.loaded.sources[key]
      if (source === 'env' || source === 'flag') {
        throw refusal(
          'conflict',
          source === 'env'
            ? hubText('settingFromEnv', { key, env: envName(key) })
            : hubText('settingFromFlag', { key }),
          { key, source },
        )
      }
    }
  }

  update(patch: Partial<Config>): ConfigKey[] {
    const keys = (Object.keys(patch) as ConfigKey[]).filter((k) => patch[k] !== undefined)
    this.assertEditable(keys)
    const current = existsSync(this.file)
      ? (JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, unknown>)
      : {}
    const nextValues = ConfigSchema.parse({ ...this.loaded.values, ...patch })
    // The file gets the validated, normalised values (e.g. a URL without its trailing slash).
    const nextFile: Record<string, unknown> = { ...current }
    for (const key of keys) nextFile[key] = nextValues[key]
    writeFileAtomic(this.file, JSON.stringify(nextFile, null, 2) + '\n', 0o600)
    const changed = keys.filter(
      (k) => JSON.stringify(this.loaded.values[k]) !== JSON.stringify(nextValues[k]),
    )
    const sources = { ...this.loaded.sources }
    for (const key of keys) sources[key] = 'file'
    this.loaded = { ...this.loaded, values: nextValues, sources }
    if (changed.length) for (const listener of this.listeners) listener(changed)
    return changed
  }
}
