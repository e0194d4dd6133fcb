import { readFileSync, existsSync } from 'node:fs'
import type { z } from 'zod'
import { ConfigError } from '../errors'
import { ConfigSchema, ConfigShape, DEFAULT_CONFIG, envName, type Config, type ConfigKey } from './schema'
import type { SettingSource } from '../../../shared/contract/hub'

export type ConfigSources = Record<ConfigKey, SettingSource>
export interface LoadedConfig {
  values: Config
  sources: ConfigSources
  file: string
}

type Layer = Partial<Record<ConfigKey, unknown>>

const KEYS = Object.keys(ConfigShape) as ConfigKey[]

function describeIssues(error: z.ZodError, where: (key: string) => string): string[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      // Inside a setting that is an object (platformLimits), say which.
      const inside = issue.path.length ? `${issue.path.join('.')}: ` : ''
      return `${where(String(issue.path[0] ?? ''))}${inside}unknown setting(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`
    }
    const key = String(issue.path[0] ?? '')
    return `${where(key)}${key}: ${issue.message}`
  })
}

function readFileLayer(file: string): Layer {
  if (!existsSync(file)) return {}
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new ConfigError([`${file}: not valid JSON (${(err as Error).message})`])
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ConfigError([`${file}: must hold a JSON object`])
  return raw as Layer
}

function readEnvLayer(env: NodeJS.ProcessEnv): { layer: Layer; names: Partial<Record<ConfigKey, string>> } {
  const layer: Layer = {}
  const names: Partial<Record<ConfigKey, string>> = {}
  for (const key of KEYS) {
    const name = envName(key)
    const value = env[name]
    if (value === undefined || value === '') continue
    names[key] = name
    if (key === 'allowedAdminHosts')
      layer[key] = value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    else if (key === 'publicUrl' && value === 'auto') layer[key] = null
    else layer[key] = value
  }
  return { layer, names }
}

/**
 * Builds the effective configuration. Each source is validated on its own so an error names the exact place
 * (file, variable or flag) to fix; nothing half-valid is ever used.
 */
export function loadConfig(options: { file: string; env?: NodeJS.ProcessEnv; flags?: Layer }): LoadedConfig {
  const { file, env = process.env, flags = {} } = options
  const partial = ConfigSchema.partial()
  const problems: string[] = []

  const fileLayer = readFileLayer(file)
  const fileParsed = partial.safeParse(fileLayer)
  if (!fileParsed.success) problems.push(...describeIssues(fileParsed.error, () => `${file}: `))

  const { layer: envLayer, names } = readEnvLayer(env)
  const envParsed = partial.safeParse(envLayer)
  if (!envParsed.success)
    problems.push(
      ...describeIssues(envParsed.error, (key) =>
        key ? `environment ${names[key as ConfigKey]}: ` : 'environment: ',
      ),
    )

  const cleanFlags = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined))
  const flagParsed = partial.safeParse(cleanFlags)
  if (!flagParsed.success)
    problems.push(
      ...describeIssues(
        flagParsed.error,
        (key) => `flag --${key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}: `,
      ),
    )

  if (problems.length) throw new ConfigError(problems)

  const sources = Object.fromEntries(KEYS.map((k) => [k, 'default'])) as ConfigSources
  const values: Record<string, unknown> = { ...DEFAULT_CONFIG }
  const layers: Array<[SettingSource, Layer | undefined]> = [
    ['file', fileParsed.data],
    ['env', envParsed.data],
    ['flag', flagParsed.data],
  ]
  for (const [source, layer] of layers) {
    for (const [key, value] of Object.entries(layer ?? {})) {
      if (value === undefined) continue
      values[key] = value
      sources[key as ConfigKey] = source
    }
  }
  return { values: ConfigSchema.parse(values), sources, file }
}
