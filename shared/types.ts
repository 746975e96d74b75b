/** Wire shapes from the contract; the server maps rows to these, the client renders them. */
import type { ConversationStatus, ConversationType, EmailNotificationLevel, MentionKind, MessageType, NotificationLevel, ParticipantRole, PresenceStatus, UserRole } from './enums'

// Defined with their value lists in ./enums; named here too so wire shapes come from one import.
export type { ConversationStatus, ConversationType, EmailNotificationLevel, MessageType, NotificationLevel, ParticipantRole, PresenceStatus, UserRole }

export interface User {
  id: string
  email: string
  displayName: string
  avatarUrl: string | null
  role: UserRole
  /** Whether others see when this user has read their messages. */
  readReceipts: boolean
  /** Missed activity by email: everything that notifies, mentions and DMs only, or nothing. */
  emailNotifications: EmailNotificationLevel
  /** Whether pushes and emails carry the message text (in-app notifications always do). */
  notificationPreview: boolean
  /** Do Not Disturb until then (ISO time), or null when off; a time already past reads as null. */
  dndUntil: string | null
}

export interface UserSummary {
  id: string
  displayName: string
  avatarUrl: string | null
}

export interface Attachment {
  id: string
  fileName: string
  mimeType: string
  sizeBytes: number
  url: string
  thumbnailUrl: string | null
  width?: number
  height?: number
}

export interface Reaction {
  emoji: string
  count: number
  userIds: string[]
}

export interface Mention {
  userId: string | null
  kind: MentionKind
}

/** A compact view of the message a quote reply answers. */
export interface QuotedMessage {
  id: string
  seq: number
  senderName: string
  /** Its first line, shortened; empty once deleted. */
  excerpt: string
  deleted: boolean
}

/** A thread root's summary for the timeline: who answered last and when. */
export interface ThreadSummary {
  lastReplyAt: string
  /** The most recent repliers, newest first, at most three. */
  repliers: UserSummary[]
}

export interface Message {
  id: string
  conversationId: string
  seq: number
  updatedSeq: number
  clientId: string
  senderId: string
  sender: UserSummary
  type: MessageType
  content: string
  contentHtml: string
  replyToId: string | null
  threadRootId: string | null
  /** A thread reply that is also shown in the conversation's timeline. */
  alsoInConversation: boolean
  replyCount: number
  /** Set on thread roots with replies. */
  thread: ThreadSummary | null
  /** The quoted message, when `replyToId` is set. */
  replyTo: QuotedMessage | null
  reactions: Reaction[]
  attachments: Attachment[]
  mentions: Mention[]
  pinnedAt: string | null
  editedAt: string | null
  deletedAt: string | null
  createdAt: string
}

export interface ConversationSettings {
  slowModeSeconds: number
  /** Members may pin messages (owners and admins always can). */
  membersCanPin?: boolean
  /** Members may add people of the project (owners and admins always can); absent means they may. */
  membersCanAdd?: boolean
}

export interface ConversationPreferences {
  notificationLevel: NotificationLevel
  /** Notifications are off until then; null when not muted. */
  mutedUntil: string | null
}

export interface Conversation {
  id: string
  projectId: string
  type: ConversationType
  title: string
  status: ConversationStatus
  lastSeq: number
  lastMessageAt: string | null
  unreadCount: number
  mentionCount: number
  myRole: ParticipantRole
  settings: ConversationSettings
  /** The caller's own notification choices for this conversation. */
  preferences: ConversationPreferences
  /** Preview for the sidebar: the newest visible message, if any. */
  lastMessage: { senderId: string, senderName: string, content: string, createdAt: string } | null
  /** For direct messages: the other participant, so the sidebar can name the DM. */
  peer: UserSummary | null
}

export interface Participant extends UserSummary {
  userId: string
  email: string
  role: ParticipantRole
  lastReadSeq: number
  joinedAt: string
}

export interface Project {
  id: string
  name: string
  myRole: ParticipantRole
  /**
   * The caller's unread messages over their conversations in the project (Conversation.unreadCount summed);
   * set by `GET /api/projects`, kept current by `project:unread`.
   */
  unreadCount?: number
  /** The caller's unread mentions there, thread replies included (Conversation.mentionCount summed). */
  mentionCount?: number
}

/** The caller's unread totals of one project (`GET /api/projects` and the `project:unread` event). */
export interface ProjectUnread {
  projectId: string
  unreadCount: number
  mentionCount: number
}

/** One thread of the "Threads" view (`GET /api/threads`): one the caller started, replied in or was mentioned in. */
export interface ThreadInboxItem {
  conversationId: string
  /** The conversation's title as the caller sees it. */
  conversationTitle: string
  root: Message
  replyCount: number
  lastReplyAt: string
  /** Replies by others the caller has not read (see POST /api/threads/:rootId/read). */
  unreadCount: number
  /** Of those, the ones that mention the caller (or @here / @channel). */
  mentionCount: number
}

/** One conversation of the "All unreads" view (`GET /api/unreads`), with its first unread messages. */
export interface UnreadConversation {
  conversation: Conversation
  /** The oldest unread messages of its timeline, oldest first (at most the query's `limit`). */
  messages: Message[]
}

export interface ProjectMember extends UserSummary {
  userId: string
  email: string
  role: ParticipantRole
  /** Presence when the list was read; presence:change events keep it current afterwards. */
  presence: PresenceStatus
}
