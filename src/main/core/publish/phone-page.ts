import { renderCaption, type PlatformCaption } from '../../../shared/captions/render'
import type { Platform, PlatformLimitsMap } from '../../../shared/contract/publish'
import type { DrawnCaption } from '../captions/service'

/** The publish part of a tap's phone page: the tag's platforms and what each receives of the tap's caption. */
export interface PhonePublish {
  /** The tag's platforms, in its order (never empty: a tag without platforms saves only, and has no publish part). */
  platforms: readonly Platform[]
  /** What each platform receives of the caption drawn for this tap, in the same order; empty without a caption. */
  captions: readonly PlatformCaption[]
  /** Offer "发布到抖音": the page asks the hub for a signed link (GET /d/<token>) and shows it if one comes. */
  douyinOneTap: boolean
}

/** The publish part for one tap, or null for a save-only tag. */
export function phonePublish(
  caption: DrawnCaption | null,
  platforms: readonly Platform[],
  limits: PlatformLimitsMap,
  douyinReady: boolean,
): PhonePublish | null {
  if (platforms.length === 0) return null
  return {
    platforms,
    captions: caption ? renderCaption(caption, platforms, limits) : [],
    douyinOneTap: douyinReady && platforms.includes('douyin'),
  }
}
