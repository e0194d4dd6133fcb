import type { HubInfo } from '../../shared/contract/hub'
import { auditHandlers } from '../core/audit/handlers'
import type { CallContext } from '../core/auth/actor'
import { authHandlers } from '../core/auth/handlers'
import { brandHandlers } from '../core/brand/handlers'
import { brandPreview } from '../core/brand/preview'
import { chainHandlers } from '../core/chain/handlers'
import { captionsHandlers } from '../core/captions/handlers'
import { transfersHandlers } from '../core/delivery/handlers'
import { funnelHandlers } from '../core/funnel/handlers'
import { mergeHandlers, type Handlers } from '../core/handlers'
import { monitoringHandlers } from '../core/monitoring/handlers'
import { settingsHandlers } from '../core/settings/handlers'
import { storeActionsHandlers } from '../core/store-actions/handlers'
import { tagPagePreviewHandlers, tagsHandlers } from '../core/tags/handlers'
import { tagPagePreview } from '../core/tags/page-preview'
import { douyinHandlers } from '../core/publish/douyin/handlers'
import { douyinReady } from '../core/publish/douyin/publisher'
import { nfcHandlers } from '../core/tags/programming/handlers'
import { usersHandlers } from '../core/users/handlers'
import { videosHandlers } from '../core/videos/handlers'
import { tapPage } from '../lan/pages/tap'
import { remixHandlers } from '../core/remix/handlers'
import type { HubServices } from './services'

/** The API: every domain's handler map, merged into the one the admin listener dispatches (a name twice throws). */
export function buildHandlers(s: HubServices, info: (ctx: CallContext) => HubInfo): Handlers {
  return mergeHandlers(
    authHandlers(s.auth, {
      language: () => s.config.values.language,
      productName: () => s.brand.current().productName[s.config.values.language],
    }),
    usersHandlers(s.users),
    auditHandlers(s.audit),
    settingsHandlers(s.settings, info),
    videosHandlers(s.videos),
    tagsHandlers(s.tags),
    captionsHandlers(s.captions, s.publish),
    funnelHandlers(s.funnel),
    storeActionsHandlers(s.storeActions),
    transfersHandlers(s.delivery),
    nfcHandlers(s.nfc, s.provisioner, s.batches),
    monitoringHandlers(s.dashboard, s.history, s.notifications),
    // The Brand page previews the phone page itself, drawn by the phone listener's renderer.
    brandHandlers(s.brand, brandPreview(s.brand, tapPage)),
    chainHandlers(s.chain, s.chainSync, s.chainHq, {
      outbox: s.recordsOutbox,
      ingest: s.recordsIngest,
      dashboard: s.recordsDashboard,
    }),
    remixHandlers(s.remix),
    douyinHandlers(s.douyin),
    // So does the tag form, with the tag's caption and publish buttons.
    tagPagePreviewHandlers(
      tagPagePreview(
        {
          brand: () => s.brand.current(),
          captions: s.captions,
          limits: () => s.publish.limits(),
          videos: s.videos,
          phoneRendition: () => s.config.values.renditionPhone,
          douyinReady: () => douyinReady(s.config.values),
          storeBlocks: (actions) => s.storeActions.blocks(actions),
        },
        tapPage,
      ),
    ),
  )
}
