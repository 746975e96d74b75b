import type { z } from 'zod'
import type { NotificationKind, PresenceStatus, UserRole } from './enums'
import type { Ack, ErrorBody } from './errors'
import type { Draft } from './draft-schemas'
import type { Invitation } from './invitation-schemas'
import type { ModerationNotice } from './moderation-schemas'
import type { reactionEventSchema } from './reaction-schemas'
import type { DeliveredUpdatePayload, deliveredMarkEventSchema } from './receipt-schemas'
import type { ScheduledMessage } from './scheduled-schemas'
import type {
  clientStateSchema, deleteMessageEventSchema, editMessageEventSchema, presenceUpdateSchema, readMarkEventSchema, sendMessageEventSchema, syncRequestSchema,
  typingEventSchema
} from './schemas'
import type { Conversation, Message, Project, ProjectUnread, UserSummary } from './types'

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
/**
 * A project's unread totals for the project switcher, absolute (set, don't add). Sent to a user when the
 * server computes them anyway: when a message notifies them (mention, DM, reply in their thread —
 * whether or not the notification itself is held back by visibility or Do Not Disturb), and when they
 * mark a conversation or project read (read-all) or read a thread, on any device. The client sums the
 * current project's totals from its conversations' counts itself. For other projects, a `message:new`
 * or `unread:update` for a conversation it has not listed means "re-read GET /api/projects" (debounced):
 * counting each plain message for every member would cost the send path a query per member.
 */
export type ProjectUnreadPayload = ProjectUnread
/**
 * A thread's unread replies for the caller (the "Threads" view): sent to the user's devices after
 * they read it (`POST /api/threads/:rootId/read`) or marked its conversation or project read.
 * New replies are not announced this way: `message:new` carries them (threadRootId set).
 */
export interface ThreadUnreadPayload { conversationId: string, threadRootId: string, unreadCount: number, mentionCount: number }
/**
 * Why and about what a member is told. `url` opens the message (`/c/:id#m-<seq>`); `body` is empty
 * for pushes and emails when the member turned previews off.
 */
export interface NotificationPayload {
  kind: NotificationKind
  conversationId: string
  messageId: string
  title: string
  body: string
  sender: { id: string, displayName: string, avatarUrl: string | null }
  url: string
}

/** The answer to a send, over Socket.IO and REST alike; `duplicate` when the clientId was seen before. */
export interface SendMessageReply { message: Message, duplicate: boolean }

type NoReply = Record<never, never>

/**
 * Client events: `payload` is the input of the zod schema the server validates the event with,
 * `reply` what the handler adds to `{ ok: true }` in its ack (the server's handlers are typed
 * against it, see server/realtime/handle.ts).
 */
interface ClientEvents {
  'message:send': { payload: z.input<ReturnType<typeof sendMessageEventSchema>>, reply: SendMessageReply }
  'message:edit': { payload: z.input<ReturnType<typeof editMessageEventSchema>>, reply: { message: Message } }
  'message:delete': { payload: z.input<typeof deleteMessageEventSchema>, reply: NoReply }
  'reaction:add': { payload: z.input<typeof reactionEventSchema>, reply: { message: Message } }
  'reaction:remove': { payload: z.input<typeof reactionEventSchema>, reply: { message: Message } }
  'typing:start': { payload: z.input<typeof typingEventSchema>, reply: NoReply }
  'typing:stop': { payload: z.input<typeof typingEventSchema>, reply: NoReply }
  'read:mark': { payload: z.input<typeof readMarkEventSchema>, reply: NoReply }
  'delivered:mark': { payload: z.input<typeof deliveredMarkEventSchema>, reply: NoReply }
  'sync:request': { payload: z.input<typeof syncRequestSchema>, reply: { results: SyncResult[] } }
  'presence:update': { payload: z.input<typeof presenceUpdateSchema>, reply: NoReply }
  /**
   * What this client shows, sent on connect, focus, blur, visibility change and navigation. The server
   * tells no `notification` of a conversation one of the user's clients shows visible, and pushes only
   * when none of their clients is visible. A client that never sends it counts as not visible.
   */
  'client:state': { payload: z.input<typeof clientStateSchema>, reply: NoReply }
}

export type ClientEventName = keyof ClientEvents
export type ClientEventPayload<E extends ClientEventName> = ClientEvents[E]['payload']
export type ClientEventReply<E extends ClientEventName> = ClientEvents[E]['reply']
/** What the ack callback of event E receives. */
export type ClientEventAck<E extends ClientEventName> = Ack<ClientEventReply<E>>

/** Events a client may fire without waiting for an answer; the others always take an ack callback. */
type FireAndForget = 'typing:start' | 'typing:stop' | 'read:mark' | 'delivered:mark' | 'presence:update' | 'client:state'

/**
 * Socket.IO's map for client → server events. A required ack callback is what lets socket.io's
 * types give `emitWithAck` its answer type.
 */
export type ClientToServerEvents = {
  [E in ClientEventName]: E extends FireAndForget
    ? (payload: ClientEventPayload<E>, ack?: (reply: ClientEventAck<E>) => void) => void
    : (payload: ClientEventPayload<E>, ack: (reply: ClientEventAck<E>) => void) => void
}

export interface ServerToClientEvents {
  'message:new': (payload: { message: Message }) => void
  'message:updated': (payload: { message: Message }) => void
  'message:deleted': (payload: MessageDeletedPayload) => void
  'typing:update': (payload: TypingUpdatePayload) => void
  'read:update': (payload: ReadUpdatePayload) => void
  'delivered:update': (payload: DeliveredUpdatePayload) => void
  'presence:change': (payload: PresenceChangePayload) => void
  'unread:update': (payload: UnreadUpdatePayload) => void
  'project:unread': (payload: ProjectUnreadPayload) => void
  'thread:unread': (payload: ThreadUnreadPayload) => void
  'conversation:updated': (payload: { conversation: Conversation }) => void
  /** The user was added to a project (or their role in it changed): the switcher lists it at once. */
  'project:updated': (payload: { project: Project }) => void
  'notification': (payload: NotificationPayload) => void
  /** The user lost access to a conversation (removed by an admin): drop it from view. */
  'conversation:removed': (payload: { conversationId: string }) => void
  /** A participant changed their display name or avatar. */
  'user:updated': (payload: { user: UserSummary }) => void
  /** The user's draft in a conversation changed on another of their devices (null: cleared). */
  'draft:updated': (payload: { conversationId: string, draft: Draft | null }) => void
  /** One of the user's scheduled messages was created, changed, sent, failed or cancelled. */
  'scheduled:updated': (payload: { scheduled: ScheduledMessage }) => void
  /** The access token expired: the socket is closed; reconnect with a fresh token. */
  'session:expired': (payload: ErrorBody) => void
  /** A moderator warned, muted, banned or lifted a sanction on this user. */
  'moderation:notice': (payload: { notice: ModerationNotice }) => void
  /** Someone invited this user into a project: they accept or decline it. */
  'invitation:new': (payload: { invitation: Invitation }) => void
  /** An invitation this user sent or received was accepted, declined or revoked. */
  'invitation:updated': (payload: { invitation: Invitation }) => void
}

export interface SocketData {
  userId: string
  displayName: string
  role: UserRole
  avatarUrl: string | null
  /** Seconds since epoch when the access token stops being valid. */
  tokenExp: number
}
