import { readFileSync } from 'node:fs'
import type { PlatformLimitsMap } from '../../../shared/contract/publish'
import type { TagPagePreviewInput } from '../../../shared/contract/tag-preview'
import { requireRole, type CallContext } from '../auth/actor'
import type { Brand } from '../brand/brand'
import { inlineLogo, PREVIEW_TOKEN, PREVIEW_UA, type PhonePageData } from '../brand/preview'
import type { CaptionsService } from '../captions/service'
import { phonePublish } from '../publish/phone-page'
import { describeDevice } from '../delivery/device'
import { downloadName } from '../delivery/service'
import { HubError } from '../errors'
import type { VideoService } from '../videos/service'

/** The phone listener's renderer of the tap page (lan/pages/tap.ts), passed in by app/handlers.ts. */
export type TagPageRenderer = (page: PhonePageData) => string

export interface TagPagePreviewDeps {
  brand: () => Brand
  captions: Pick<CaptionsService, 'sample'>
  limits: () => PlatformLimitsMap
  videos: Pick<VideoService, 'get' | 'mediaFile'>
  /** The rendition phones get (Settings). */
  phoneRendition: () => string
  /** Douyin is switched on: the page offers 发布到抖音. */
  douyinReady: () => boolean
  /** The store's blocks for the form's store actions, as a tap's page shows them. */
  storeBlocks: (actions: TagPagePreviewInput['storeActions']) => PhonePageData['blocks']
}

/**
 * The tag form's live preview: the page an iPhone would get from a tap of the tag as the form stands (its first
 * video, its platforms in order, the caption the next tap would draw — counting no use), drawn by the phone
 * listener's own renderer, so whatever the phone page shows the preview shows. The console shows it in a sandboxed
 * frame that cannot fetch from the hub: the logo and the video's still go inline.
 */
export function tagPagePreview(
  d: TagPagePreviewDeps,
  render: TagPageRenderer,
): (ctx: CallContext, q: TagPagePreviewInput) => { html: string; captionId: number | null } {
  return (ctx, q) => {
    requireRole(ctx, 'staff')
    const brand = d.brand()
    const video = q.videoId === null ? null : videoOf(d.videos, ctx, q.videoId)
    const title = video?.title ?? (q.lang === 'en' ? 'New arrivals' : '春季新品')
    // `{日期}` as phones get it: in the hub's language, whichever language the preview shows the page in.
    const caption = d.captions.sample({
      tagId: q.tagId,
      videoId: q.videoId,
      label: q.label,
      strategy: q.captionStrategy,
    })
    const html = render({
      lang: q.lang,
      brand,
      token: PREVIEW_TOKEN,
      title,
      // The page names the file it saves after the rendition phones get.
      downloadName: downloadName(title, d.phoneRendition()),
      position: 0,
      device: describeDevice(PREVIEW_UA),
      publish: phonePublish(caption, q.platforms, d.limits(), d.douyinReady()),
      blocks: d.storeBlocks(q.storeActions),
    })
    return {
      html: inlineStill(video?.still ?? null, inlineLogo(brand, html)),
      captionId: caption?.captionId ?? null,
    }
  }
}

/** The video's title and still (the 320-px thumbnail, else the poster); null if it was deleted meanwhile. */
function videoOf(
  videos: TagPagePreviewDeps['videos'],
  ctx: CallContext,
  id: number,
): { title: string; still: string | null } | null {
  try {
    const { title } = videos.get(ctx, id)
    return { title, still: videos.mediaFile(id, 'thumb.jpg') ?? videos.mediaFile(id, 'poster.jpg') }
  } catch (err) {
    if (err instanceof HubError && err.code === 'video-not-found') return null
    throw err
  }
}

/** The player's poster as the page links it for the preview's token (the phone listener's media route). */
const POSTER_URL = `/m/${PREVIEW_TOKEN}/poster.jpg`

/** The video's still in place of its link (a few KB); without one the player stays black, as on a phone. */
function inlineStill(still: string | null, html: string): string {
  if (!still || !html.includes(POSTER_URL)) return html
  let data: string
  try {
    data = readFileSync(still).toString('base64')
  } catch {
    return html
  }
  return html.replaceAll(POSTER_URL, `data:image/jpeg;base64,${data}`)
}
