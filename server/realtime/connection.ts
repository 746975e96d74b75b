import { and, eq } from 'drizzle-orm'
import { decodeJwt } from 'jose'
import { useDb } from '../db/client'
import { conversationParticipants, conversations } from '../db/schema'
import { conversationRoom, userRoom } from '../infra/realtime'
import { useMetrics } from '../infra/metrics'
import { notProjectBanned } from '../services/access'
import { sessionRoom } from '../services/auth/sessions'
import { receiptRoomsOf } from '../services/messages/receipts-sharing'
import { registerClientStateHandlers } from './client-state'
import type { ChatSocket } from './handle'
import { registerMessageHandlers } from './messages'
import { registerPresenceHandlers } from './presence'
import { registerReactionHandlers } from './reactions'
import { registerReadHandlers } from './reads'
import { registerSyncHandlers } from './sync'
import { registerTypingHandlers } from './typing'

const initialRooms = new WeakMap<ChatSocket, string[]>()

/** The session named by the handshake token (already verified by the auth middleware), so a sign-out can drop its sockets. */
function handshakeSessionRooms(socket: ChatSocket): string[] {
  const token = (socket.handshake.auth as { token?: unknown }).token
  try {
    const sessionId = typeof token === 'string' ? decodeJwt(token).session_id : undefined
    return typeof sessionId === 'string' ? [sessionRoom(sessionId)] : []
  } catch {
    return []
  }
}

/** Runs in the handshake, so the socket is in every room before the client sees "connect". */
export async function prepareRooms(socket: ChatSocket) {
  const db = await useDb()
  const memberships = await db.select({ id: conversationParticipants.conversationId })
    .from(conversationParticipants).innerJoin(conversations, eq(conversations.id, conversationParticipants.conversationId))
    .where(and(eq(conversationParticipants.userId, socket.data.userId), notProjectBanned(socket.data.userId, conversations.projectId)))
  const receiptRooms = await receiptRoomsOf(db, socket.data.userId)
  initialRooms.set(socket, [userRoom(socket.data.userId), ...handshakeSessionRooms(socket), ...receiptRooms, ...memberships.map(m => conversationRoom(m.id))])
}

/** Wires a freshly authenticated socket: its rooms, its handlers, and its token's deadline. */
export async function onConnection(socket: ChatSocket) {
  socket.join(initialRooms.get(socket) ?? [userRoom(socket.data.userId), ...handshakeSessionRooms(socket)])
  initialRooms.delete(socket)
  const metrics = useMetrics()
  metrics.socketsConnected.inc()
  socket.on('disconnect', () => metrics.socketsConnected.dec())

  registerMessageHandlers(socket)
  registerReactionHandlers(socket)
  registerSyncHandlers(socket)
  registerReadHandlers(socket)
  registerTypingHandlers(socket)
  registerClientStateHandlers(socket)

  await registerPresenceHandlers(socket)

  // An expired token must not keep a live session: drop the socket; the client reconnects with a fresh token.
  const msLeft = socket.data.tokenExp * 1000 - Date.now()
  const expiry = setTimeout(() => {
    socket.emit('session:expired', { code: 'UNAUTHENTICATED', message: 'access token expired' })
    socket.disconnect(true)
  }, Math.min(Math.max(msLeft, 0), 2 ** 31 - 1))
  socket.on('disconnect', () => clearTimeout(expiry))
}
