// Plain constants and types only: server/db/schema.ts imports this file, and drizzle-kit loads that without Nuxt's aliases.

export const AUTOMOD_KINDS = ['profanity', 'regex', 'flood', 'mentions', 'links'] as const
export type AutomodKind = (typeof AUTOMOD_KINDS)[number]

/** What a matching rule does: store and queue for review, refuse, or refuse and mute the sender. */
export const AUTOMOD_ACTIONS = ['flag', 'block', 'mute'] as const
export type AutomodAction = (typeof AUTOMOD_ACTIONS)[number]

/** Every kind's settings in one object; each kind reads its own fields. */
export interface AutomodConfig {
  /** profanity: extra words or phrases, on top of the built-in English list. */
  words?: string[]
  /** profanity: words that never match (e.g. a place name the list would catch). */
  allowWords?: string[]
  /** regex: match regardless of case. */
  caseInsensitive?: boolean
  /** flood: at most this many messages per sender in one conversation within the window. */
  maxMessages?: number
  /** flood: at most this many copies of the same text per sender in one conversation within the window. */
  maxRepeats?: number
  /** flood: the window, in seconds. */
  windowSeconds?: number
  /** mentions: at most this many @-mentions (people, @here, @channel) in one message. */
  maxMentions?: number
  /** links: these domains (and their subdomains) are refused. */
  denyDomains?: string[]
  /** links: when set, only these domains (and their subdomains) are accepted. */
  allowDomains?: string[]
  /** mute: how long the sender stays muted in the project, in minutes (default 10). */
  muteMinutes?: number
}
