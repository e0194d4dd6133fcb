import type { Router } from 'express'
import type { Logger } from 'pino'
import { brandRouter } from '../admin/brand'
import { chainRecordsCsvRouter } from '../admin/chain-records-csv'
import { labelsRouter } from '../admin/labels'
import { mediaRouter } from '../admin/media'
import { remixMediaRouter } from '../admin/remix-media'
import { transfersCsvRouter } from '../admin/transfers-csv'
import { uploadRouter } from '../admin/upload'
import { wechatQrRouter } from '../admin/wechat-qr'
import type { HubServices } from './services'

/**
 * The admin listener's routes beside the JSON API: brand files, the CSV exports (transfers, the chain's records), uploads, media (and the WeChat QR
 * image), label PDFs.
 */
export function adminRouters(s: HubServices, logger: Logger): Router[] {
  const language = () => s.config.values.language
  return [
    brandRouter({ brand: s.brand, auth: s.auth, logger }),
    transfersCsvRouter({ history: s.history, auth: s.auth, logger, language }),
    chainRecordsCsvRouter({ dashboard: s.recordsDashboard, auth: s.auth, logger, language }),
    uploadRouter(s.videos, s.storage, s.auth, logger),
    mediaRouter(s.videos, s.auth, logger),
    remixMediaRouter(s.remix, s.auth, logger),
    wechatQrRouter({ storeActions: s.storeActions, auth: s.auth, logger }),
    labelsRouter({
      tags: s.tags,
      auth: s.auth,
      logger,
      brand: () => s.brand.current(),
      language,
      wifi: () => {
        const v = s.config.values
        return v.wifiSsid ? { ssid: v.wifiSsid, password: v.wifiPassword, security: v.wifiSecurity } : null
      },
    }),
  ]
}
