import type { TFunction } from 'i18next'

/**
 * Who did something, as the console says it: a person's name as it is, the hub's names for who was not a logged-in
 * person (`anonymous`: the first-run setup; `local-cli`: the command line) in the console's words, also inside
 * headquarters' "<HQ name> (<who>)" on the videos it published.
 */
export function actorLabel(t: TFunction, actor: string): string {
  if (actor === 'anonymous' || actor === 'local-cli') return t(`users.actor.${actor}`)
  const m = /^(.*) \((anonymous|local-cli)\)$/.exec(actor)
  return m ? `${m[1]} (${t(`users.actor.${m[2]}`)})` : actor
}
