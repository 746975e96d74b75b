import type { Server } from 'socket.io'
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from '#shared/events'
import { lazy } from './lazy'

export type ChatServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>
type EventName = keyof ServerToClientEvents
type Payload<E extends EventName> = Parameters<ServerToClientEvents[E]>[0]

// Not built here: the Socket.IO plugin makes the server and registers it.
const realtimeServer = lazy<ChatServer | undefined>('io', () => undefined)

export const conversationRoom = (id: string) => `conv:${id}`
export const userRoom = (id: string) => `user:${id}`

/** Registered by the Socket.IO plugin; services publish through it and never touch sockets. */
export function setRealtimeServer(io: ChatServer | undefined) {
  realtimeServer.set(io)
}

export function getRealtimeServer(): ChatServer | undefined {
  return realtimeServer()
}

/** Publishes to every socket in a conversation, on every instance (through the adapter). */
export function publishToConversation<E extends EventName>(conversationId: string, event: E, payload: Payload<E>) {
  const io = realtimeServer()
  if (io) (io.to(conversationRoom(conversationId)).emit as (e: E, p: Payload<E>) => boolean)(event, payload)
}

/** Publishes to every socket of one user, on every instance. */
export function publishToUser<E extends EventName>(userId: string, event: E, payload: Payload<E>) {
  const io = realtimeServer()
  if (io) (io.to(userRoom(userId)).emit as (e: E, p: Payload<E>) => boolean)(event, payload)
}

/** Makes every connected socket of these users join (or leave) a conversation room, cluster-wide. */
export function setConversationMembership(userIds: string[], conversationId: string, member: boolean) {
  const io = realtimeServer()
  if (!io || userIds.length === 0) return
  const target = io.in(userIds.map(userRoom))
  if (member) target.socketsJoin(conversationRoom(conversationId))
  else target.socketsLeave(conversationRoom(conversationId))
}

/** Publishes to a conversation's sockets but those also in `exceptRoom`: still one emit, cluster-wide. */
export function publishToConversationExcept<E extends EventName>(conversationId: string, exceptRoom: string, event: E, payload: Payload<E>) {
  const io = realtimeServer()
  if (io) (io.to(conversationRoom(conversationId)).except(exceptRoom).emit as (e: E, p: Payload<E>) => boolean)(event, payload)
}

/** Makes every connected socket of a user join (or leave) a room, cluster-wide. */
export function setUserInRoom(userId: string, room: string, joined: boolean) {
  const io = realtimeServer()
  if (!io) return
  if (joined) io.in(userRoom(userId)).socketsJoin(room)
  else io.in(userRoom(userId)).socketsLeave(room)
}
