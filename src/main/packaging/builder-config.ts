import { relative } from 'node:path'
import type { Brand } from '../core/brand/brand'

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
