import { sql } from 'drizzle-orm'
import {
  bigint, boolean, customType, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid
} from 'drizzle-orm/pg-core'
// Relative rather than '#shared': drizzle-kit loads this file without Nuxt's aliases.
import {
  CONVERSATION_STATUSES, CONVERSATION_TYPES, EMAIL_NOTIFICATION_LEVELS, INVITATION_STATUSES, MENTION_KINDS, MESSAGE_EDIT_KINDS, MESSAGE_TYPES, NOTIFICATION_KINDS,
  NOTIFICATION_LEVELS, PARTICIPANT_ROLES,
  REPORT_ACTIONS, REPORT_SOURCES, REPORT_STATUSES, SANCTION_KINDS, USER_ROLES
} from '../../shared/enums'
import { AUTOMOD_ACTIONS, AUTOMOD_KINDS, type AutomodConfig } from '../../shared/automod-enums'
import { CJK_SQL_CLASS } from '../../shared/search-query'

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' })
const seq = (name: string) => bigint(name, { mode: 'number' })
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow()

export const profiles = pgTable('profiles', {
  id: uuid('id').primaryKey().defaultRandom(),
  email: text('email').notNull(),
  displayName: text('display_name').notNull(),
  avatarUrl: text('avatar_url'),
  /** The stored object behind an uploaded avatar (avatarUrl points at the route serving it). */
  avatarKey: text('avatar_key'),
  /** Whether others see when this user has read their messages. */
  readReceipts: boolean('read_receipts').notNull().default(true),
  /** Missed activity by email: everything that notifies, mentions and DMs only, or nothing. */
  emailNotifications: text('email_notifications', { enum: EMAIL_NOTIFICATION_LEVELS }).notNull().default('mentions'),
  /** Whether pushes and emails carry the message text; off, they say only who wrote where. */
  notificationPreview: boolean('notification_preview').notNull().default(true),
  /** Do not disturb until then (null: off); notifications are held back meanwhile. */
  dndUntil: timestamp('dnd_until', { withTimezone: true }),
  /** When the user's last connection closed (null while never seen); shown as "last seen". */
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
  role: text('role', { enum: USER_ROLES }).notNull().default('member'),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
}, t => [uniqueIndex('profiles_email_idx').on(t.email)])

/** Local sign-in only; kept apart from profiles so no profile read can leak a hash. */
export const localCredentials = pgTable('local_credentials', {
  userId: uuid('user_id').primaryKey().references(() => profiles.id, { onDelete: 'cascade' }),
  passwordHash: text('password_hash').notNull()
})

/** Server-side settings shared by every instance (e.g. the local token signing secret). */
export const appSettings = pgTable('app_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull()
})

/** A signed-in device in local mode; access tokens name it (`session_id`) and die with it. */
export const authSessions = pgTable('auth_sessions', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => profiles.id, { onDelete: 'cascade' }),
  userAgent: text('user_agent'),
  createdAt: createdAt(),
  refreshedAt: timestamp('refreshed_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  revokedReason: text('revoked_reason')
}, t => [index('auth_sessions_user_idx').on(t.userId)])

/**
 * Rotating refresh tokens, stored only as SHA-256 hashes. A session's tokens form one family:
 * presenting one that was already rotated means it was copied, and ends the whole session.
 */
export const authRefreshTokens = pgTable('auth_refresh_tokens', {
  id: uuid('id').primaryKey().defaultRandom(),
  sessionId: uuid('session_id').notNull().references(() => authSessions.id, { onDelete: 'cascade' }),
  tokenHash: text('token_hash').notNull(),
  createdAt: createdAt(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  rotatedAt: timestamp('rotated_at', { withTimezone: true })
}, t => [
  uniqueIndex('auth_refresh_tokens_hash_idx').on(t.tokenHash),
  index('auth_refresh_tokens_session_idx').on(t.sessionId)
])

export const projects = pgTable('projects', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  createdBy: uuid('created_by').references(() => profiles.id, { onDelete: 'set null' }),
  createdAt: createdAt()
})

export const projectMembers = pgTable('project_members', {
  projectId: uuid('project_id').notNull().references(() => projects.id, { onDelete: 'cascade' }),
  userId: uuid('user_id').notNull().references(() => profiles.id, { onDelete: 'cascade' }),
  role: text('role', { enum: PARTICIPANT_ROLES }).notNull().default('member'),
  joinedAt: timestamp('joined_at', { withTimezone: true }).notNull().defaultNow()
}, t => [primaryKey({ columns: [t.projectId, t.userId] }), index('project_members_user_idx').on(t.userId)])

/**
 * An invitation into a project for someone who shares no project with the inviter: they join only
 * by accepting it, so nobody is put in a stranger's rooms without consent. One pending per person
 * and project; answered ones stay as the record of what happened.
 */
export const projectInvitations = pgTable('project_invitations', {
  id: uuid('id').primaryKey().defaultRandom(),
  projectId: uuid('project_id').notNull().references(() => projects.id, { onDelete: 'cascade' }),
  inviterId: uuid('inviter_id').notNull().references(() => profiles.id, { onDelete: 'cascade' }),
  inviteeId: uuid('invitee_id').notNull().references(() => profiles.id, { onDelete: 'cascade' }),
  role: text('role', { enum: PARTICIPANT_ROLES }).notNull().default('member'),
  status: text('status', { enum: INVITATION_STATUSES }).notNull().default('pending'),
  createdAt: createdAt(),
  respondedAt: timestamp('responded_at', { withTimezone: true }),
  /** Who answered: the invitee (accept, decline) or the project owner or admin who revoked it. */
  respondedBy: uuid('responded_by')
}, t => [
  uniqueIndex('project_invitations_pending_idx').on(t.projectId, t.inviteeId).where(sql`status = 'pending'`),
  index('project_invitations_invitee_idx').on(t.inviteeId, t.status),
  index('project_invitations_inviter_idx').on(t.inviterId, t.inviteeId, t.status)
])

export const conversations = pgTable('conversations', {
  id: uuid('id').primaryKey().defaultRandom(),
  projectId: uuid('project_id').notNull().references(() => projects.id, { onDelete: 'cascade' }),
  type: text('type', { enum: CONVERSATION_TYPES }).notNull(),
  title: text('title').notNull(),
  status: text('status', { enum: CONVERSATION_STATUSES }).notNull().default('active'),
  settings: jsonb('settings').$type<{ slowModeSeconds: number, membersCanPin?: boolean, membersCanAdd?: boolean }>().notNull().default({ slowModeSeconds: 0 }),
  /** The per-conversation counter: every new message and every later change takes the next value. */
  lastSeq: seq('last_seq').notNull().default(0),
  lastMessageAt: timestamp('last_message_at', { withTimezone: true }),
  /** For direct messages: "<projectId>:<smaller userId>:<larger userId>", so get-or-create is race-free. */
  directKey: text('direct_key'),
  createdBy: uuid('created_by').references(() => profiles.id, { onDelete: 'set null' }),
  createdAt: createdAt()
}, t => [
  index('conversations_project_idx').on(t.projectId),
  uniqueIndex('conversations_direct_key_idx').on(t.directKey)
])

export const conversationParticipants = pgTable('conversation_participants', {
  conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
  userId: uuid('user_id').notNull().references(() => profiles.id, { onDelete: 'cascade' }),
  role: text('role', { enum: PARTICIPANT_ROLES }).notNull().default('member'),
  lastReadSeq: seq('last_read_seq').notNull().default(0),
  /** Receipts: how far this member's devices have received (DMs), and when the read marker last moved. */
  deliveredSeq: seq('delivered_seq').notNull().default(0),
  readAt: timestamp('read_at', { withTimezone: true }),
  muted: boolean('muted').notNull().default(false),
  /** Notifications stay off until then (a timed mute the member chose). */
  mutedUntil: timestamp('muted_until', { withTimezone: true }),
  notificationLevel: text('notification_level', { enum: NOTIFICATION_LEVELS }).notNull().default('all'),
  joinedAt: timestamp('joined_at', { withTimezone: true }).notNull().defaultNow()
}, t => [primaryKey({ columns: [t.conversationId, t.userId] }), index('conversation_participants_user_idx').on(t.userId)])

export const messages = pgTable('messages', {
  id: uuid('id').primaryKey().defaultRandom(),
  conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
  seq: seq('seq').notNull(),
  updatedSeq: seq('updated_seq').notNull(),
  clientId: uuid('client_id').notNull(),
  senderId: uuid('sender_id').notNull().references(() => profiles.id, { onDelete: 'cascade' }),
  type: text('type', { enum: MESSAGE_TYPES }).notNull().default('text'),
  content: text('content').notNull(),
  contentHtml: text('content_html').notNull(),
  replyToId: uuid('reply_to_id'),
  threadRootId: uuid('thread_root_id'),
  /** A thread reply also shown in the conversation's timeline ("also send to conversation"). */
  alsoInConversation: boolean('also_in_conversation').notNull().default(false),
  replyCount: integer('reply_count').notNull().default(0),
  editedAt: timestamp('edited_at', { withTimezone: true }),
  deletedAt: timestamp('deleted_at', { withTimezone: true }),
  deletedBy: uuid('deleted_by'),
  pinnedAt: timestamp('pinned_at', { withTimezone: true }),
  pinnedBy: uuid('pinned_by'),
  createdAt: createdAt(),
  /** Set with deletedAt when a retention policy hid the message; restorable until it is purged. */
  retentionDeletedAt: timestamp('retention_deleted_at', { withTimezone: true }),
  /** An admin brought it back from retention: later runs leave it alone. */
  retentionRestoredAt: timestamp('retention_restored_at', { withTimezone: true }),
  search: tsvector('search').generatedAlwaysAs(sql`to_tsvector('english', coalesce("content", ''))`),
  /**
   * The CJK characters of the content, one token each in order (everything else dropped): CJK text
   * has no spaces between words, so search finds it by any run of characters as a phrase query.
   */
  cjk: tsvector('cjk').generatedAlwaysAs(sql`to_tsvector('simple', regexp_replace(regexp_replace(coalesce("content", ''), ${sql.raw(`'[^${CJK_SQL_CLASS}]+'`)}, ' ', 'g'), '(.)', '\\1 ', 'g'))`)
}, t => [
  uniqueIndex('messages_conversation_seq_idx').on(t.conversationId, t.seq),
  uniqueIndex('messages_sender_client_idx').on(t.senderId, t.clientId),
  index('messages_conversation_updated_seq_idx').on(t.conversationId, t.updatedSeq),
  index('messages_thread_root_idx').on(t.threadRootId),
  index('messages_search_idx').using('gin', t.search),
  // Partial words ("deploy" in "redeployment") and CJK, which the english tsvector cannot split (pg_trgm).
  index('messages_content_trgm_idx').using('gin', t.content.op('gin_trgm_ops')),
  index('messages_cjk_idx').using('gin', t.cjk),
  // Adjacent word pairs ("kakax lokax"), so a quoted phrase is looked up by its pairs instead of
  // rechecking every message that has all its words (message_word_pairs: migrations 0020, 0021).
  // Over the stored `search` column: an insert computes the english tsvector once, not again here.
  index('messages_word_pairs_idx').using('gin', sql`message_word_pairs("search")`),
  // The same for adjacent CJK characters, so a CJK term of several characters is looked up by a pair.
  // Only messages with CJK text: the others, nearly all, cost an insert nothing here.
  index('messages_cjk_pairs_idx').using('gin', sql`message_word_pairs("cjk")`).where(sql`"cjk" <> ''::tsvector`),
  // Newest-first search walks these and stops after the capped candidate set: across the caller's
  // conversations, and inside one.
  index('messages_created_idx').on(t.createdAt, t.id),
  index('messages_conversation_created_idx').on(t.conversationId, t.createdAt, t.id),
  index('messages_retention_deleted_idx').on(t.retentionDeletedAt)
])

/**
 * How far a member has read one thread (the "Threads" view and mentions in thread replies). Without a
 * row the conversation's read marker counts; a row is made when they reply, read the thread, mark its
 * conversation read, or are told of a reply or mention there (then at the marker they had), so a
 * mention in a thread stays unread until the thread is read, however far the timeline was read.
 */
export const threadReads = pgTable('thread_reads', {
  userId: uuid('user_id').notNull().references(() => profiles.id, { onDelete: 'cascade' }),
  threadRootId: uuid('thread_root_id').notNull().references(() => messages.id, { onDelete: 'cascade' }),
  conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
  lastReadSeq: seq('last_read_seq').notNull().default(0),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
}, t => [primaryKey({ columns: [t.userId, t.threadRootId] }), index('thread_reads_user_conversation_idx').on(t.userId, t.conversationId)])

export const messageEdits = pgTable('message_edits', {
  id: uuid('id').primaryKey().defaultRandom(),
  messageId: uuid('message_id').notNull().references(() => messages.id, { onDelete: 'cascade' }),
  /** The content as it was before this change. */
  previousContent: text('previous_content').notNull(),
  kind: text('kind', { enum: MESSAGE_EDIT_KINDS }).notNull().default('edit'),
  editedBy: uuid('edited_by').notNull(),
  editedAt: timestamp('edited_at', { withTimezone: true }).notNull().defaultNow()
}, t => [index('message_edits_message_idx').on(t.messageId)])

export const reactions = pgTable('reactions', {
  messageId: uuid('message_id').notNull().references(() => messages.id, { onDelete: 'cascade' }),
  userId: uuid('user_id').notNull().references(() => profiles.id, { onDelete: 'cascade' }),
  emoji: text('emoji').notNull(),
  createdAt: createdAt()
}, t => [primaryKey({ columns: [t.messageId, t.userId, t.emoji] })])

export const attachments = pgTable('attachments', {
  id: uuid('id').primaryKey().defaultRandom(),
  conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
  messageId: uuid('message_id').references(() => messages.id, { onDelete: 'set null' }),
  uploaderId: uuid('uploader_id').notNull().references(() => profiles.id, { onDelete: 'cascade' }),
  fileName: text('file_name').notNull(),
  mimeType: text('mime_type').notNull(),
  sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
  storageKey: text('storage_key').notNull(),
  thumbnailKey: text('thumbnail_key'),
  width: integer('width'),
  height: integer('height'),
  createdAt: createdAt()
}, t => [index('attachments_message_idx').on(t.messageId)])

export const mentions = pgTable('mentions', {
  id: uuid('id').primaryKey().defaultRandom(),
  messageId: uuid('message_id').notNull().references(() => messages.id, { onDelete: 'cascade' }),
  userId: uuid('user_id').references(() => profiles.id, { onDelete: 'cascade' }),
  kind: text('kind', { enum: MENTION_KINDS }).notNull()
}, t => [index('mentions_user_idx').on(t.userId), index('mentions_message_idx').on(t.messageId)])

export const reports = pgTable('reports', {
  id: uuid('id').primaryKey().defaultRandom(),
  messageId: uuid('message_id').notNull().references(() => messages.id, { onDelete: 'cascade' }),
  /** Null when an automod rule opened the report. */
  reporterId: uuid('reporter_id').references(() => profiles.id, { onDelete: 'cascade' }),
  source: text('source', { enum: REPORT_SOURCES }).notNull().default('member'),
  /** The automod rule that flagged the message (no foreign key: a deleted rule keeps its reports). */
  ruleId: uuid('rule_id'),
  reason: text('reason').notNull(),
  description: text('description'),
  status: text('status', { enum: REPORT_STATUSES }).notNull().default('pending'),
  action: text('action', { enum: REPORT_ACTIONS }),
  resolution: text('resolution'),
  reviewedBy: uuid('reviewed_by'),
  reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
  resolvedBy: uuid('resolved_by'),
  resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  createdAt: createdAt()
}, t => [index('reports_status_idx').on(t.status, t.createdAt), index('reports_message_idx').on(t.messageId)])

export const userSanctions = pgTable('user_sanctions', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => profiles.id, { onDelete: 'cascade' }),
  kind: text('kind', { enum: SANCTION_KINDS }).notNull(),
  /** Scope: a project ban, or a mute in one conversation (read-only there); both null means everywhere. */
  projectId: uuid('project_id').references(() => projects.id, { onDelete: 'cascade' }),
  conversationId: uuid('conversation_id').references(() => conversations.id, { onDelete: 'cascade' }),
  /** The report this sanction settled, if any (escalation counts upheld reports, not sanctions). */
  reportId: uuid('report_id').references(() => reports.id, { onDelete: 'set null' }),
  reason: text('reason'),
  until: timestamp('until', { withTimezone: true }),
  createdBy: uuid('created_by'),
  createdAt: createdAt(),
  revokedAt: timestamp('revoked_at', { withTimezone: true })
}, t => [index('user_sanctions_user_idx').on(t.userId)])

export const auditLog = pgTable('audit_log', {
  id: uuid('id').primaryKey().defaultRandom(),
  actorId: uuid('actor_id'),
  action: text('action').notNull(),
  targetType: text('target_type').notNull(),
  targetId: text('target_id'),
  details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
  // Hash chain (audit-retention): position, who when no profile acts, and the links.
  chainSeq: bigint('chain_seq', { mode: 'number' }),
  actorLabel: text('actor_label'),
  prevHash: text('prev_hash'),
  hash: text('hash')
}, t => [index('audit_log_created_idx').on(t.createdAt), uniqueIndex('audit_log_chain_seq_idx').on(t.chainSeq)])

export type ProfileRow = typeof profiles.$inferSelect
export type ConversationRow = typeof conversations.$inferSelect
export type MessageRow = typeof messages.$inferSelect
export type ParticipantRow = typeof conversationParticipants.$inferSelect

/** A member's unsent text per conversation, kept on the server so every device of theirs sees it. */
export const drafts = pgTable('drafts', {
  userId: uuid('user_id').notNull().references(() => profiles.id, { onDelete: 'cascade' }),
  conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
  content: text('content').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
}, t => [primaryKey({ columns: [t.userId, t.conversationId] })])

/** A message to be sent by the server at `sendAt`; its clientId makes the send exactly-once. */
export const scheduledMessages = pgTable('scheduled_messages', {
  id: uuid('id').primaryKey().defaultRandom(),
  conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
  senderId: uuid('sender_id').notNull().references(() => profiles.id, { onDelete: 'cascade' }),
  clientId: uuid('client_id').notNull(),
  content: text('content').notNull(),
  threadRootId: uuid('thread_root_id'),
  sendAt: timestamp('send_at', { withTimezone: true }).notNull(),
  status: text('status', { enum: ['pending', 'sent', 'cancelled', 'failed'] }).notNull().default('pending'),
  messageId: uuid('message_id').references(() => messages.id, { onDelete: 'set null' }),
  error: text('error'),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
}, t => [
  uniqueIndex('scheduled_messages_sender_client_idx').on(t.senderId, t.clientId),
  index('scheduled_messages_due_idx').on(t.status, t.sendAt),
  index('scheduled_messages_sender_idx').on(t.senderId)
])

// ---- automod: content rules checked in the send path (one row per rule; projectId null = every project) ----
export const automodRules = pgTable('automod_rules', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  kind: text('kind', { enum: AUTOMOD_KINDS }).notNull(),
  /** The regex of a `regex` rule (re2 syntax); null for the other kinds. */
  pattern: text('pattern'),
  /** Per-kind settings (word and domain lists, flood window, mention limit, mute length). */
  config: jsonb('config').$type<AutomodConfig>().notNull().default({}),
  action: text('action', { enum: AUTOMOD_ACTIONS }).notNull(),
  projectId: uuid('project_id').references(() => projects.id, { onDelete: 'cascade' }),
  enabled: boolean('enabled').notNull().default(true),
  createdBy: uuid('created_by'),
  updatedBy: uuid('updated_by'),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
}, t => [index('automod_rules_project_idx').on(t.projectId)])

// ---- notifications that leave the app: web push and email ----
/** A browser's Web Push subscription (one per device that turned push on). */
export const pushSubscriptions = pgTable('push_subscriptions', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => profiles.id, { onDelete: 'cascade' }),
  endpoint: text('endpoint').notNull(),
  p256dh: text('p256dh').notNull(),
  auth: text('auth').notNull(),
  userAgent: text('user_agent'),
  createdAt: createdAt(),
  lastSuccessAt: timestamp('last_success_at', { withTimezone: true })
}, t => [uniqueIndex('push_subscriptions_endpoint_idx').on(t.endpoint), index('push_subscriptions_user_idx').on(t.userId)])

/** A single-use password reset link; only its hash is kept. */
export const passwordResets = pgTable('password_resets', {
  tokenHash: text('token_hash').primaryKey(),
  userId: uuid('user_id').notNull().references(() => profiles.id, { onDelete: 'cascade' }),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  createdAt: createdAt()
}, t => [index('password_resets_user_idx').on(t.userId)])

/** A notification that may become a missed-activity email if still unread when its batch runs. */
export const pendingEmailNotifications = pgTable('pending_email_notifications', {
  userId: uuid('user_id').notNull().references(() => profiles.id, { onDelete: 'cascade' }),
  messageId: uuid('message_id').notNull().references(() => messages.id, { onDelete: 'cascade' }),
  conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
  kind: text('kind', { enum: NOTIFICATION_KINDS }).notNull(),
  createdAt: createdAt()
}, t => [primaryKey({ columns: [t.userId, t.messageId] }), index('pending_email_notifications_created_idx').on(t.createdAt)])
