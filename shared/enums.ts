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
/** Which missed activity a member wants by email. */
export const EMAIL_NOTIFICATION_LEVELS = ['all', 'mentions', 'none'] as const
export type EmailNotificationLevel = typeof EMAIL_NOTIFICATION_LEVELS[number]
/** Why a member is told of a message (the `notification` event's kind). */
export const NOTIFICATION_KINDS = ['mention', 'reply', 'dm'] as const
/** Sent only, never validated or stored: a type is enough. */
export type NotificationKind = 'mention' | 'reply' | 'dm'

export const MESSAGE_EDIT_KINDS = ['edit', 'delete'] as const
/** A report waits (`pending`), is looked at (`reviewed`), then closes with a resolution (`resolved`). */
export const REPORT_STATUSES = ['pending', 'reviewed', 'resolved'] as const
export type ReportStatus = typeof REPORT_STATUSES[number]
/** What closed a report; every action but `dismissed` upholds it (and counts towards escalation). */
export const REPORT_ACTIONS = ['dismissed', 'deleted', 'warned', 'muted', 'readonly', 'banned'] as const
export type ReportAction = typeof REPORT_ACTIONS[number]
/** Who opened a report: a member, or an automod rule whose outcome is `flag`. */
export const REPORT_SOURCES = ['member', 'automod'] as const
/**
 * A sanction's kind; its scope follows from `projectId` / `conversationId` (both empty: everywhere).
 * A mute scoped to one conversation is "read-only there"; a ban scoped to a project is a project ban.
 */
export const SANCTION_KINDS = ['mute', 'ban', 'warn'] as const
export type SanctionKind = typeof SANCTION_KINDS[number]

/** An invitation waits (`pending`) until the invitee accepts or declines it, or a project owner or admin revokes it. */
export const INVITATION_STATUSES = ['pending', 'accepted', 'declined', 'revoked'] as const
export type InvitationStatus = typeof INVITATION_STATUSES[number]
