import type { TFunction } from 'i18next'

/**
 * Who did something, as the console says it: a person's name as it is, the hub's names for who was not a logged-in
 * person (`anonymous`: the first-run setup; `local-cli`: the command line) in the console's words.
 */
export const actorLabel = (t: TFunction, actor: string): string =>
  actor === 'anonymous' || actor === 'local-cli' ? t(`users.actor.${actor}`) : actor
