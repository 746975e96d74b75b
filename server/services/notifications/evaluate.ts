import type { NotificationKind, NotificationLevel } from '#shared/enums'
import type { Message, PresenceStatus } from '#shared/types'

// Who is told of a stored message, and why — pure, so each rule has one place and one test.

/** Which kinds a participant's notification level lets through: "mentions" still lets DMs and mentions in. */
const ALLOWED: Record<NotificationLevel, ReadonlySet<NotificationKind>> = {
  all: new Set(['mention', 'reply', 'dm']),
  mentions: new Set(['mention', 'dm']),
  none: new Set()
}

/** A participant of the message's conversation other than its sender, with their choices. */
export interface Candidate {
  userId: string
  level: NotificationLevel
  /** Muted until unmuted. */
  muted: boolean
  mutedUntil: Date | null
  /** Do Not Disturb on a timer (profiles.dnd_until). */
  dndUntil: Date | null
  /** They wrote the thread's root or a reply in it (only asked for thread replies). */
  inThread: boolean
}

/** Why each candidate is concerned: mentioned (or reached by @here/@channel), in the thread, or written to directly. */
export function kindsFor(message: Pick<Message, 'mentions' | 'threadRootId'>, conversationType: string, candidates: readonly Candidate[],
  presence: Readonly<Record<string, PresenceStatus>>): Map<string, NotificationKind> {
  const kinds = new Map<string, NotificationKind>()
  const mentioned = new Set(message.mentions.filter(m => m.kind === 'user').map(m => m.userId))
  const broadcast = message.mentions.find(m => m.kind !== 'user')?.kind
  for (const c of candidates) {
    if (mentioned.has(c.userId) || broadcast === 'channel' || (broadcast === 'here' && presence[c.userId] === 'online')) kinds.set(c.userId, 'mention')
    else if (message.threadRootId && c.inThread) kinds.set(c.userId, 'reply')
    else if (conversationType === 'direct') kinds.set(c.userId, 'dm')
  }
  return kinds
}

/** The conversation's level lets this kind through and no mute is in force. */
export function levelAllows(candidate: Candidate, kind: NotificationKind, now: Date): boolean {
  if (candidate.muted || (candidate.mutedUntil && candidate.mutedUntil > now)) return false
  return ALLOWED[candidate.level].has(kind)
}

/** Do Not Disturb in force: on a timer, or chosen as the status. */
export function inDnd(candidate: Pick<Candidate, 'userId' | 'dndUntil'>, chosenDnd: ReadonlySet<string>, now: Date): boolean {
  return (candidate.dndUntil !== null && candidate.dndUntil > now) || chosenDnd.has(candidate.userId)
}

/** Where a target who passed level, mute and Do Not Disturb is told. */
export interface Channels {
  /** The in-app `notification`: not while one of their clients shows the conversation. */
  inApp: boolean
  /** Web Push: only while none of their clients is visible at all. */
  push: boolean
  /** The missed-activity email is noted always; it is dropped later if read in time. */
  email: true
}

export function channelsFor(visibility: { anyVisible: boolean, conversations: ReadonlySet<string> } | undefined, conversationId: string): Channels {
  return {
    inApp: !visibility?.conversations.has(conversationId),
    push: !visibility?.anyVisible,
    email: true
  }
}
