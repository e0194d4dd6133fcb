import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from 'pino'
import {
  BrandPatchSchema,
  BrandTextsSchema,
  type BrandField,
  type BrandPatch,
  type BrandView,
} from '../../../shared/contract/brand'
import { requireRole, type CallContext } from '../auth/actor'
import type { AuditService } from '../audit/service'
import type { ConfigStore } from '../config/store'
import type { EventBus } from '../events/bus'
import { HubError, validationError } from '../errors'
import { writeFileAtomic } from '../fsutil/atomic'
import { DEFAULT_BRAND, type Brand } from './brand'
import { BrandProfileError, loadProfile } from './profile'
import { ArchiveError, unpackProfile } from './archive'

export interface BrandDeps {
  config: ConfigStore
  audit: AuditService
  events: EventBus
  logger: Logger
  /** Profiles shipped with the app (resources/brands). */
  builtinDir: string
  /** Profiles a reseller imported (<data>/brands). */
  importedDir: string
  /** The store's edits of unlocked fields, per profile (<data>/brand-overrides.json). */
  overridesFile: string
  /** The brand a packaged app was built for: in effect until the store or the environment picks another. */
  defaultBrand?: string
}

type Overrides = Record<string, BrandPatch>

/** Where resources/brands is, from the built app (out/main) or the sources (src/main/core/brand). */
export function findBuiltinBrands(from: string): string {
  let dir = from
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'resources', 'brands')
    if (existsSync(candidate)) return candidate
    dir = join(dir, '..')
  }
  return join(from, 'resources', 'brands')
}

/**
 * The brand in effect and its changes. The active profile is the `brand` setting (config.json, TAPDROP_BRAND or
 * --brand); a store admin may change what the profile does not lock, and those edits are kept per profile, so
 * switching back and forth keeps them. Whatever is refused is refused here, whatever the caller.
 */
export class BrandService {
  private cached: Brand | null = null

  constructor(private readonly d: BrandDeps) {}

  private dirOf(id: string): { dir: string; builtin: boolean } | null {
    if (!/^[a-z0-9][a-z0-9-]{1,39}$/.test(id)) return null
    const builtin = join(this.d.builtinDir, id)
    if (existsSync(join(builtin, 'brand.json'))) return { dir: builtin, builtin: true }
    const imported = join(this.d.importedDir, id)
    if (existsSync(join(imported, 'brand.json'))) return { dir: imported, builtin: false }
    return null
  }

  /** A profile as shipped or imported, checked; throws with every reason when it is not usable. */
  profile(id: string): Brand {
    const found = this.dirOf(id)
    if (!found) throw new HubError('brand-not-found', `no brand profile "${id}"`)
    let p: Brand
    try {
      p = loadProfile(found.dir, found.builtin)
    } catch (err) {
      if (err instanceof BrandProfileError)
        throw new HubError('brand-invalid', err.message, { reasons: err.reasons })
      throw err
    }
    if (p.id !== id)
      throw new BrandProfileError(found.dir, [`brand.json: id: is "${p.id}" but the folder is "${id}"`])
    return p
  }

  private overrides(): Overrides {
    try {
      return existsSync(this.d.overridesFile)
        ? (JSON.parse(readFileSync(this.d.overridesFile, 'utf8')) as Overrides)
        : {}
    } catch (err) {
      this.d.logger.error({ err }, 'brand-overrides.json unreadable; showing the profile as shipped')
      return {}
    }
  }

  /** The profile with the store's edits of what it leaves unlocked. */
  private apply(p: Brand, patch: BrandPatch | undefined): Brand {
    if (!patch) return p
    const allowed = BrandPatchSchema.safeParse(patch)
    if (!allowed.success) return p
    const next = { ...p }
    for (const [k, v] of Object.entries(allowed.data) as Array<[BrandField, unknown]>)
      if (v !== undefined && !p.locked.includes(k)) (next as Record<string, unknown>)[k] = v
    return next
  }

  /** The brand in effect (cached until it changes). Never throws: a broken profile falls back to the default. */
  current(): Brand {
    if (this.cached) return this.cached
    const id =
      this.d.config.sources.brand === 'default' && this.d.defaultBrand
        ? this.d.defaultBrand
        : this.d.config.values.brand
    try {
      this.cached = this.apply(this.profile(id), this.overrides()[id])
    } catch (err) {
      this.d.logger.error({ err, brand: id }, 'brand profile unusable; using the built-in default')
      try {
        this.cached = this.profile(DEFAULT_BRAND.id)
      } catch {
        this.cached = DEFAULT_BRAND
      }
    }
    return this.cached
  }

  view(b: Brand = this.current()): BrandView {
    return {
      id: b.id,
      productName: b.productName,
      shortName: b.shortName,
      colors: b.colors,
      phone: b.phone,
      support: b.support,
      locked: b.locked,
      logoUrl: b.logoUrl ?? `/brand/logo?v=${b.id}-0`,
      builtin: b.builtin,
    }
  }

  list(ctx: CallContext): Array<{ id: string; productName: string; builtin: boolean; active: boolean }> {
    requireRole(ctx, 'viewer')
    const ids = new Set<string>()
    for (const dir of [this.d.builtinDir, this.d.importedDir])
      if (existsSync(dir))
        for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) ids.add(e.name)
    const lang = this.d.config.values.language
    const out: Array<{ id: string; productName: string; builtin: boolean; active: boolean }> = []
    for (const id of [...ids].sort()) {
      try {
        const p = this.profile(id)
        out.push({
          id,
          productName: p.productName[lang],
          builtin: p.builtin,
          active: id === this.current().id,
        })
      } catch (err) {
        this.d.logger.warn({ err, brand: id }, 'skipping an unusable brand profile')
      }
    }
    return out
  }

  update(ctx: CallContext, patch: BrandPatch): BrandView {
    requireRole(ctx, 'admin')
    const id = this.current().id
    const base = this.profile(id)
    const fields = (Object.keys(patch) as BrandField[]).filter((k) => patch[k] !== undefined)
    const locked = fields.filter((f) => base.locked.includes(f))
    if (locked.length)
      throw new HubError('brand-locked', `locked by the brand profile "${id}": ${locked.join(', ')}`, {
        fields: locked,
      })
    const all = this.overrides()
    const merged = { ...all[id], ...patch }
    // The whole result must still be a valid brand (e.g. a phone text cannot be emptied).
    const check = BrandTextsSchema.safeParse({ ...pickTexts(base), ...merged })
    if (!check.success) throw validationError(check.error.issues)
    writeFileAtomic(this.d.overridesFile, JSON.stringify({ ...all, [id]: merged }, null, 2) + '\n', 0o600)
    this.changed()
    this.d.audit.record(ctx, 'brand.update', id, { fields })
    return this.view()
  }

  reset(ctx: CallContext): BrandView {
    requireRole(ctx, 'admin')
    const id = this.current().id
    const all = this.overrides()
    delete all[id]
    writeFileAtomic(this.d.overridesFile, JSON.stringify(all, null, 2) + '\n', 0o600)
    this.changed()
    this.d.audit.record(ctx, 'brand.reset', id)
    return this.view()
  }

  select(ctx: CallContext, id: string): BrandView {
    requireRole(ctx, 'admin')
    const source = this.d.config.sources.brand
    if (source === 'env' || source === 'flag')
      throw new HubError(
        'brand-locked',
        `the brand is set by ${source === 'env' ? 'TAPDROP_BRAND' : '--brand'}`,
        {
          fields: ['id'],
        },
      )
    const p = this.profile(id)
    this.d.config.update({ brand: p.id })
    this.changed()
    this.d.audit.record(ctx, 'brand.select', p.id)
    return this.view()
  }

  /**
   * Installs a reseller's profile archive into <data>/brands/<id> after checking all of it; a built-in profile
   * cannot be replaced, an imported one is replaced whole. Nothing is installed when anything is wrong.
   */
  async importArchive(ctx: CallContext, zip: Buffer): Promise<BrandView> {
    requireRole(ctx, 'admin')
    mkdirSync(this.d.importedDir, { recursive: true })
    const staging = mkdtempSync(join(this.d.importedDir, '.import-'))
    try {
      try {
        await unpackProfile(zip, staging)
      } catch (err) {
        if (err instanceof ArchiveError)
          throw new HubError('brand-invalid', `brand profile archive refused: ${err.message}`, {
            reasons: err.reasons,
            texts: err.texts,
          })
        throw err
      }
      let p: Brand
      try {
        p = loadProfile(staging, false)
      } catch (err) {
        if (err instanceof BrandProfileError)
          throw new HubError('brand-invalid', `brand profile refused: ${err.reasons.join('; ')}`, {
            reasons: err.reasons,
          })
        throw err
      }
      if (existsSync(join(this.d.builtinDir, p.id)))
        throw new HubError(
          'brand-invalid',
          `"${p.id}" is a built-in profile; give the imported one another id`,
          {
            reasons: [`brand.json: id: "${p.id}" is taken by a built-in profile`],
          },
        )
      const target = join(this.d.importedDir, p.id)
      const old = existsSync(target) ? `${target}.old-${Date.now()}` : null
      if (old) renameSync(target, old)
      renameSync(staging, target)
      if (old) rmSync(old, { recursive: true, force: true })
      this.d.audit.record(ctx, 'brand.import', p.id)
      if (p.id === this.current().id) this.changed()
      else this.d.events.emit({ type: 'brand-changed' })
      return this.view(this.profile(p.id))
    } finally {
      rmSync(staging, { recursive: true, force: true })
    }
  }

  /** The effective brand with an unsaved patch (refused fields left out, as saving would refuse them). */
  draft(patch: BrandPatch): Brand {
    const base = this.current()
    return this.apply(base, patch)
  }

  private changed(): void {
    this.cached = null
    this.d.events.emit({ type: 'brand-changed' })
  }
}

function pickTexts(b: Brand): BrandPatch {
  return {
    productName: b.productName,
    shortName: b.shortName,
    colors: b.colors,
    phone: b.phone,
    support: b.support,
  }
}
