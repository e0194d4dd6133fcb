/** The oldest Douyin that opens the publish page from an H5 share (docs/douyin.md §7). */
export const MIN_DOUYIN_VERSION = { android: '20.8.0', ios: '21.5.0' } as const

export type PhoneOs = 'android' | 'ios' | 'other'

function parts(version: string): number[] | null {
  const m = /^(\d{1,4})(?:\.(\d{1,4}))?(?:\.(\d{1,4}))?/.exec(version.trim())
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : null
}

/**
 * Whether a phone's Douyin is known to be too old for the publish page. Unknown (no version, another OS, a
 * version that does not parse) is not "too old": the page offers the button and the app decides.
 */
export function douyinTooOld(os: PhoneOs | undefined, version: string | undefined): boolean {
  if (!version || (os !== 'android' && os !== 'ios')) return false
  const have = parts(version)
  const need = parts(MIN_DOUYIN_VERSION[os])!
  if (!have) return false
  for (let i = 0; i < 3; i++) if (have[i] !== need[i]) return have[i]! < need[i]!
  return false
}
