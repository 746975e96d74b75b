/**
 * Every closed set of values the contract and the database share, written once: drizzle's column
 * enums, the zod schemas and the TypeScript unions are all built from these tuples.
 */
export const USER_ROLES = ['member', 'admin'] as const
export type UserRole = typeof USER_ROLES[number]

export const PARTICIPANT_ROLES = ['owner', 'admin', 'member'] as const
export type ParticipantRole = typeof PARTICIPANT_ROLES[number]

export const CONVERSATION_TYPES = ['project', 'group', 'direct', 'support', 'announcement'] as const
export type ConversationType = typeof CONVERSATION_TYPES[number]

export const CONVERSATION_STATUSES = ['active', 'archived', 'locked'] as const
export type ConversationStatus = typeof CONVERSATION_STATUSES[number]

export const MESSAGE_TYPES = ['text', 'file', 'system'] as const
export type MessageType = typeof MESSAGE_TYPES[number]

/** What a user may choose; `offline` only follows from having no socket open. */
export const CHOSEN_PRESENCE_STATUSES = ['online', 'away', 'dnd'] as const
export type PresenceStatus = typeof CHOSEN_PRESENCE_STATUSES[number] | 'offline'

export const MENTION_KINDS = ['user', 'here', 'channel'] as const
export type MentionKind = typeof MENTION_KINDS[number]

export const NOTIFICATION_LEVELS = ['all', 'mentions', 'none'] as const
export type NotificationLevel = typeof NOTIFICATION_LEVELS[number]
/** Sent only, never validated or stored: a type is enough. */
export type NotificationKind = 'mention' | 'reply' | 'dm'

export const MESSAGE_EDIT_KINDS = ['edit', 'delete'] as const
export const REPORT_STATUSES = ['open', 'resolved', 'dismissed'] as const
export const SANCTION_KINDS = ['mute', 'ban'] as const
