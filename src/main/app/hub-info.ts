import { statSync } from 'node:fs'
import type { HubInfo } from '../../shared/contract/hub'
import { APP_VERSION } from '../../shared/version'
import type { Repos } from '../db/repos'
import type { DataPaths } from '../core/paths'
import type { PhoneListener } from './phone-listener'
import type { HubServices } from './services'

/** The Settings page's "about this hub": version, addresses, uptime, data folder and its size, backups, users. */
export function hubInfo(d: {
  paths: DataPaths
  services: HubServices
  repos: Repos
  phones: PhoneListener
  adminUrl: string
  startedAt: Date
  shell: 'electron' | 'headless'
}): HubInfo {
  const s = d.services
  let databaseBytes = 0
  for (const suffix of ['', '-wal']) {
    try {
      databaseBytes += statSync(d.paths.database + suffix).size
    } catch {
      /* no WAL right now */
    }
  }
  const counts = d.repos.users.counts()
  return {
    productName: s.brand.current().productName[s.config.values.language],
    version: APP_VERSION,
    startedAt: d.startedAt.toISOString(),
    dataDir: d.paths.root,
    adminUrl: d.adminUrl,
    lanUrl: d.phones.url(),
    publicUrl: s.settings.publicUrl(),
    databaseBytes,
    backups: s.backups.info(),
    users: { total: counts.total, active: counts.active },
    node: process.versions.node,
    shell: d.shell,
  }
}
