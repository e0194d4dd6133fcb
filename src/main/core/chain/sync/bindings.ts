import type { Strategy } from '../../../../shared/contract/tags'
import { activeOn, bindingsFor, labelMatches, localDay, type Catalog, type CatalogBinding } from '../catalog'

export interface BoundPool {
  videoIds: number[]
  strategy: Strategy
  bindingId: string
}

interface Entry {
  binding: CatalogBinding
  /** This store's video ids of the binding's chain videos that are here. */
  videoIds: number[]
}

/**
 * The campaign bindings of the catalog applied at this store, as the tap path asks for them: a tag whose placement
 * label a binding names plays the binding's videos on the days it runs (the store's own calendar), instead of the
 * tag's own; on any other day, or once the binding is gone, the tag plays its own videos again. When several
 * bindings name one tag on one day, the newest wins. Read from memory on every tap: a look-up per binding (a chain
 * has tens), the day computed once per local day.
 */
export class ChainBindings {
  private entries: Entry[] = []
  private day: { value: string; until: number } = { value: '', until: 0 }

  /** Loads the bindings for this store from a catalog, with the chain videos recorded here (chain id → video id). */
  load(catalog: Catalog | null, storeId: string | null, videos: ReadonlyMap<string, number>): void {
    if (!catalog || !storeId) {
      this.entries = []
      return
    }
    this.entries = bindingsFor(catalog, storeId)
      .map((binding) => ({
        binding,
        videoIds: binding.videos.map((id) => videos.get(id)).filter((id): id is number => id !== undefined),
      }))
      .filter((e) => e.videoIds.length > 0)
      .sort((a, b) => b.binding.createdAt.localeCompare(a.binding.createdAt))
  }

  get size(): number {
    return this.entries.length
  }

  /** What a tag plays now, when a binding of the applied catalog names its label today; else null (its own). */
  poolFor(tag: { label: string }, now: number): BoundPool | null {
    if (this.entries.length === 0 || !tag.label) return null
    const day = this.today(now)
    for (const e of this.entries)
      if (activeOn(e.binding, day) && labelMatches(e.binding.label, tag.label))
        return { videoIds: e.videoIds, strategy: e.binding.strategy, bindingId: e.binding.id }
    return null
  }

  private today(now: number): string {
    if (now < this.day.until && now >= this.day.until - 86_400_000 * 1.1) return this.day.value
    const midnight = new Date(now)
    midnight.setHours(24, 0, 0, 0)
    this.day = { value: localDay(now), until: midnight.getTime() }
    return this.day.value
  }
}
