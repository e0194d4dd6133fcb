import type { UsersRepo } from '../../db/repos/users'
import { HubError } from '../errors'

/**
 * Letters drawn like plain Latin ones, with the letter each passes for: the entries of Unicode's confusables table
 * (UTS #39, confusables.txt) for Cyrillic, Greek and Latin lower-case letters and digits whose prototype is a plain
 * lower-case Latin letter. Full-width and other compatibility forms need no entry (NFKC folds them first); names are
 * lower case by then, so capitals need none; nor do accented forms (NFD first: ё is е and its diaeresis). The
 * table's one multi-letter entry that matters here, m for "rn", is in usernameSkeleton.
 */
const LOOK_ALIKES: Readonly<Record<string, string>> = {
  // Cyrillic
  а: 'a', // U+0430
  с: 'c', // U+0441
  ԁ: 'd', // U+0501
  е: 'e', // U+0435
  ҽ: 'e', // U+04BD
  һ: 'h', // U+04BB
  і: 'i', // U+0456
  ӏ: 'i', // U+04CF palochka
  ј: 'j', // U+0458
  о: 'o', // U+043E
  р: 'p', // U+0440
  ԛ: 'q', // U+051B
  г: 'r', // U+0433
  ѕ: 's', // U+0455
  ѵ: 'v', // U+0475
  ԝ: 'w', // U+051D
  ѡ: 'w', // U+0461
  х: 'x', // U+0445
  у: 'y', // U+0443
  ү: 'y', // U+04AF
  // Greek
  α: 'a', // U+03B1
  ς: 'c', // U+03C2: what NFKC makes of the lunate sigma ϲ (U+03F2), which the table maps to c
  ι: 'i', // U+03B9
  ϳ: 'j', // U+03F3
  ο: 'o', // U+03BF
  σ: 'o', // U+03C3
  ρ: 'p', // U+03C1
  υ: 'u', // U+03C5
  ν: 'v', // U+03BD
  γ: 'y', // U+03B3
  // Latin letters drawn like others
  ɑ: 'a', // U+0251
  ɡ: 'g', // U+0261 script g
  ı: 'i', // U+0131 dotless i
  ɩ: 'i', // U+0269
  ɪ: 'i', // U+026A
  ʋ: 'u', // U+028B
  ɯ: 'w', // U+026F
  ɣ: 'y', // U+0263
  ʏ: 'y', // U+028F
  // Digits
  '1': 'l',
}

/**
 * What a user name looks like, for comparing names (UTS #39's "skeleton", reduced to the table above): compatibility
 * forms folded (NFKC: ｏｗｎｅｒ → owner), lower case, each look-alike replaced by the letter it passes for (accents
 * kept), and "rn", which reads as "m", read as "m".
 */
export function usernameSkeleton(name: string): string {
  const mapped = [...name.normalize('NFKC').toLowerCase().normalize('NFD')]
    .map((c) => LOOK_ALIKES[c] ?? c)
    .join('')
  return mapped.replaceAll('rn', 'm').normalize('NFC')
}

/** The first of `existing` that `name` could be taken for (same skeleton, other spelling), or null. */
export function confusableWith(name: string, existing: Iterable<string>): string | null {
  const skeleton = usernameSkeleton(name)
  for (const other of existing) if (other !== name && usernameSkeleton(other) === skeleton) return other
  return null
}

/**
 * Names the hub gives actors that are not accounts (the audit log and the videos' uploader show them in the
 * console's words): an account of that name would be shown as "command line" or "not logged in".
 */
const RESERVED = ['local-cli', 'anonymous']

/**
 * Refuses a new account's name that is taken, or that would look like one taken (staff pick an account from a list,
 * and the audit log names people by it): `user-exists` or `user-confusable` with the look-alike's name.
 */
export function requireFreeUsername(users: UsersRepo, username: string): void {
  if (users.findByUsername(username) || RESERVED.includes(username))
    throw new HubError('user-exists', `the user ${username} already exists`)
  const similar = confusableWith(username, [...RESERVED, ...users.list().map((u) => u.username)])
  if (similar)
    throw new HubError(
      'user-confusable',
      `the user name ${username} looks like the existing ${similar}; choose another`,
      { similarTo: similar },
    )
}
