import { relative } from 'node:path'
import type { Brand } from '../core/brand/brand'

/**
 * Electron's fuses, flipped in the packaged binary before it is signed (so the OS's signature check keeps them):
 * what a store PC's app must not do for anyone who can start it with other arguments or environment.
 */
export const ELECTRON_FUSES = {
  // ELECTRON_RUN_AS_NODE would turn the signed app into a plain Node.js for any script. It stays on only because
  // the NFC worker is started with child_process.fork, which needs it in the main process; moving that worker to
  // Electron's utilityProcess lets it go (the packaging test fails when it is off while a fork remains).
  runAsNode: true,
  // NODE_OPTIONS (--require a script, say) and --inspect / SIGUSR1 would run code inside the app.
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  // The console's session cookie, encrypted at rest with the OS's keys like Chrome's.
  enableCookieEncryption: true,
  // The app's code only from app.asar, checked against the hash electron-builder embeds (Windows and macOS).
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  // The console is served over http://127.0.0.1, never file://.
  grantFileProtocolExtraPrivileges: false,
} as const

/**
 * The electron-builder configuration for a brand: product name, app id, icons and installer names all come from the
 * brand profile, so a reseller never edits build files. Native modules (better-sqlite3, nfc-pcsc) are rebuilt for
 * Electron's ABI while packaging (`npmRebuild`), never at install time (that would break the Node tests).
 * Electron-only: nothing here runs in the hub.
 */
export function builderConfig(brand: Brand, o: { version: string; root: string; year?: number }) {
  if (!brand.iconPath) throw new Error(`brand ${brand.id} has no icon`)
  const icon = relative(o.root, brand.iconPath)
  const brandDir = relative(o.root, brand.iconPath.replace(/[/\\][^/\\]+$/, ''))
  const name = brand.installerName
  const owner = brand.support.name ?? brand.productName.en
  return {
    appId: brand.appId,
    productName: brand.productName['zh-CN'],
    executableName: name,
    copyright: `© ${o.year ?? new Date().getFullYear()} ${owner}`,
    artifactName: `${name}-${o.version}-\${os}-\${arch}.\${ext}`,
    directories: { output: `dist/${brand.id}`, buildResources: brandDir },
    files: ['out/**/*', 'bin/**/*', 'package.json', `${brandDir}/**/*`, 'resources/icon.png', '!**/*.map'],
    // The app starts with this brand (until the store or TAPDROP_BRAND picks another).
    extraMetadata: { tapdropBrand: brand.id, productName: brand.productName['zh-CN'] },
    asarUnpack: ['**/*.node', `${brandDir}/**/*`],
    electronFuses: ELECTRON_FUSES,
    npmRebuild: true,
    buildDependenciesFromSource: false,
    win: { target: [{ target: 'nsis', arch: ['x64'] }], icon },
    nsis: {
      oneClick: false,
      allowToChangeInstallationDirectory: true,
      shortcutName: brand.productName['zh-CN'],
      artifactName: `${name}-Setup-${o.version}.\${ext}`,
    },
    mac: {
      target: [{ target: 'dmg', arch: ['x64', 'arm64'] }],
      icon,
      category: 'public.app-category.business',
    },
    dmg: { artifactName: `${name}-${o.version}-\${arch}.\${ext}` },
    linux: {
      target: ['AppImage', 'deb'],
      icon,
      category: 'Utility',
      executableName: name.toLowerCase(),
      synopsis: brand.phone.welcome.en,
      maintainer: brand.support.email ?? owner,
    },
    // pcscd talks to the USB readers; ffmpeg is used when the bundled one is missing.
    deb: { depends: ['pcscd', 'libpcsclite1'], recommends: ['ffmpeg'] },
  }
}
