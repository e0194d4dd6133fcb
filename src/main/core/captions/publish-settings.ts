import type { PublishSettings } from '../../../shared/contract/captions'
import { DEFAULT_PLATFORM_LIMITS, type PlatformLimitsMap } from '../../../shared/contract/publish'
import { inWriteTransaction } from '../../db/immediate'
import type { Repos } from '../../db/repos'
import { hubText } from '../../../shared/contract/texts'
import { requireRole, type CallContext } from '../auth/actor'
import type { AuditService } from '../audit/service'
import type { ConfigStore } from '../config/store'
import { refusal } from '../errors'
import type { EventBus } from '../events/bus'

/**
 * The store-wide side of publishing, kept in config.json like every setting: the store's name for `{门店}` and each
 * platform's caption limits. Everyone who writes captions reads them (the editor's preview); admins change them.
 */
export class PublishSettingsService {
  constructor(
    private readonly d: {
      config: ConfigStore
      repos: Repos
      audit: AuditService
      events: EventBus
      /** Whether a caption fills in the store's name (the captions' own rule, see CaptionsService). */
      storeNameInUse?: () => boolean
    },
  ) {}

  /** Each platform's limits: the store's own where it set them, else the defaults. */
  limits(): PlatformLimitsMap {
    return { ...DEFAULT_PLATFORM_LIMITS, ...this.d.config.values.platformLimits }
  }

  storeName(): string | null {
    return this.d.config.values.storeName
  }

  get(ctx: CallContext): PublishSettings {
    requireRole(ctx, 'viewer')
    return {
      storeName: this.storeName(),
      language: this.d.config.values.language,
      limits: this.limits(),
      captionsWaitForName: !this.storeName() && (this.d.storeNameInUse?.() ?? false),
    }
  }

  update(
    ctx: CallContext,
    patch: { storeName?: string | null; limits?: Partial<PlatformLimitsMap> },
  ): PublishSettings {
    requireRole(ctx, 'admin')
    const c = this.d.config.values
    // Emptied while captions say {门店}: customers would post "在的3号桌…".
    if (patch.storeName !== undefined && !patch.storeName && c.storeName && this.d.storeNameInUse?.())
      throw refusal('conflict', hubText('storeNameInUse'))
    const next = {
      ...(patch.storeName !== undefined ? { storeName: patch.storeName || null } : {}),
      ...(patch.limits ? { platformLimits: { ...c.platformLimits, ...patch.limits } } : {}),
    }
    const { changed } = this.d.config.preview(next)
    if (changed.length) {
      // As on the Settings page: the audit row first, the file last, in one transaction.
      inWriteTransaction(this.d.repos.db, () => {
        const details: Record<string, unknown> = {}
        for (const k of changed) details[k] = { from: c[k], to: next[k as keyof typeof next] }
        this.d.audit.record(ctx, 'settings.update', 'settings', details)
        this.d.config.update(next)
      })
      this.d.events.emit({ type: 'settings-changed' })
    }
    return this.get(ctx)
  }
}
