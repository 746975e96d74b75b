/** Wire shapes from the contract; the server maps rows to these, the client renders them. */
import type { ConversationStatus, ConversationType, MentionKind, MessageType, NotificationLevel, ParticipantRole, PresenceStatus, UserRole } from './enums'

// Defined with their value lists in ./enums; named here too so wire shapes come from one import.
export type { ConversationStatus, ConversationType, MessageType, ParticipantRole, PresenceStatus, UserRole }

export interface User {
  id: string
  email: string
  displayName: string
  avatarUrl: string | null
  role: UserRole
  /** Whether others see when this user has read their messages. */
  readReceipts: boolean
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
}

export interface ProjectMember extends UserSummary {
  userId: string
  email: string
  role: ParticipantRole
  /** Presence when the list was read; presence:change events keep it current afterwards. */
  presence: PresenceStatus
}
