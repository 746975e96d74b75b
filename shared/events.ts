import type { Ack, ErrorBody } from './errors'
import type { Draft } from './draft-schemas'
import type { ScheduledMessage } from './scheduled-schemas'
import type { Conversation, Message, PresenceStatus } from './types'

/** Socket.IO event names from the contract, in one place for both sides. */
export const EVENTS = {
  messageSend: 'message:send',
  messageEdit: 'message:edit',
  messageDelete: 'message:delete',
  reactionAdd: 'reaction:add',
  reactionRemove: 'reaction:remove',
  typingStart: 'typing:start',
  typingStop: 'typing:stop',
  readMark: 'read:mark',
  syncRequest: 'sync:request',
  presenceUpdate: 'presence:update',
  messageNew: 'message:new',
  messageUpdated: 'message:updated',
  messageDeleted: 'message:deleted',
  typingUpdate: 'typing:update',
  readUpdate: 'read:update',
  presenceChange: 'presence:change',
  unreadUpdate: 'unread:update',
  conversationUpdated: 'conversation:updated',
  conversationRemoved: 'conversation:removed',
  notification: 'notification',
  sessionExpired: 'session:expired'
} as const

export interface SyncResult {
  conversationId: string
  messages: Message[]
  hasMore: boolean
  /** The conversation's counter when the page was read: a client at this cursor has seen everything. */
  lastSeq: number
}

export interface MessageDeletedPayload { conversationId: string, messageId: string, seq: number, updatedSeq: number }
export interface TypingUpdatePayload { conversationId: string, userId: string, displayName: string, isTyping: boolean }
export interface ReadUpdatePayload { conversationId: string, userId: string, seq: number }
export interface PresenceChangePayload { userId: string, status: PresenceStatus, lastSeenAt: string }
export interface UnreadUpdatePayload { conversationId: string, unreadCount: number, mentionCount: number }
export interface NotificationPayload { kind: 'mention' | 'reply' | 'dm', conversationId: string, messageId: string, title: string, body: string }

type AckFn<T extends object = object> = (ack: Ack<T>) => void

export interface ClientToServerEvents {
  'message:send': (payload: unknown, ack?: AckFn<{ message: Message, duplicate: boolean }>) => void
  'message:edit': (payload: unknown, ack?: AckFn<{ message: Message }>) => void
  'message:delete': (payload: unknown, ack?: AckFn) => void
  'reaction:add': (payload: unknown, ack?: AckFn<{ message: Message }>) => void
  'reaction:remove': (payload: unknown, ack?: AckFn<{ message: Message }>) => void
  'typing:start': (payload: unknown, ack?: AckFn) => void
  'typing:stop': (payload: unknown, ack?: AckFn) => void
  'read:mark': (payload: unknown, ack?: AckFn) => void
  'sync:request': (payload: unknown, ack?: AckFn<{ results: SyncResult[] }>) => void
  'presence:update': (payload: unknown, ack?: AckFn) => void
}

export interface ServerToClientEvents {
  'message:new': (payload: { message: Message }) => void
  'message:updated': (payload: { message: Message }) => void
  'message:deleted': (payload: MessageDeletedPayload) => void
  'typing:update': (payload: TypingUpdatePayload) => void
  'read:update': (payload: ReadUpdatePayload) => void
  'presence:change': (payload: PresenceChangePayload) => void
  'unread:update': (payload: UnreadUpdatePayload) => void
  'conversation:updated': (payload: { conversation: Conversation }) => void
  'notification': (payload: NotificationPayload) => void
  /** The user lost access to a conversation (removed by an admin): drop it from view. */
  'conversation:removed': (payload: { conversationId: string }) => void
  /** The user's draft in a conversation changed on another of their devices (null: cleared). */
  'draft:updated': (payload: { conversationId: string, draft: Draft | null }) => void
  /** One of the user's scheduled messages was created, changed, sent, failed or cancelled. */
  'scheduled:updated': (payload: { scheduled: ScheduledMessage }) => void
  /** The access token expired: the socket is closed; reconnect with a fresh token. */
  'session:expired': (payload: ErrorBody) => void
}

export interface SocketData {
  userId: string
  displayName: string
  role: 'member' | 'admin'
  avatarUrl: string | null
  /** Seconds since epoch when the access token stops being valid. */
  tokenExp: number
}

export type { ErrorBody }
