import { and, eq } from 'drizzle-orm'
import { decodeJwt } from 'jose'
import { useDb } from '../db/client'
import { conversationParticipants, conversations } from '../db/schema'
import { conversationRoom, userRoom, type ChatServer } from '../infra/realtime'
import { logger } from '../infra/logger'
import { useMetrics } from '../infra/metrics'
import { notProjectBanned } from '../services/access'
import { sessionRoom } from '../services/auth/sessions'
import { receiptRoomsOf } from '../services/messages/receipts-sharing'
import { clientStateClosed, registerClientStateHandlers } from './client-state'
import { dispatchEvent, type ChatSocket } from './handle'
import { registerMessageHandlers } from './messages'
import { presenceClosing, presenceOpened, registerPresenceHandlers } from './presence'
import { registerReactionHandlers } from './reactions'
import { registerReadHandlers } from './reads'
import { registerSyncHandlers } from './sync'
import { registerTypingHandlers, typingClosed } from './typing'

/** How often token deadlines are checked: a socket outlives its token by at most this. */
const EXPIRY_SWEEP_MS = 1000

const initialRooms = new WeakMap<ChatSocket, string[]>()

/** Fills the process-wide event table once; every socket then dispatches through it. */
export function registerSocketEvents() {
  registerMessageHandlers()
  registerReactionHandlers()
  registerSyncHandlers()
  registerReadHandlers()
  registerTypingHandlers()
  registerClientStateHandlers()
  registerPresenceHandlers()
}

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

// Shared by every socket (Socket.IO calls listeners with the socket as `this`): no closures per socket.
function onDisconnecting(this: ChatSocket) {
  presenceClosing(this)
}

function onDisconnect(this: ChatSocket) {
  useMetrics().socketsConnected.dec()
  clientStateClosed(this)
  typingClosed(this)
}

/** Wires a freshly authenticated socket: its rooms, the shared dispatcher, and presence. */
export async function onConnection(socket: ChatSocket) {
  socket.join(initialRooms.get(socket) ?? [userRoom(socket.data.userId), ...handshakeSessionRooms(socket)])
  initialRooms.delete(socket)
  // The token was verified and its session noted; a reconnect sends a fresh one. Socket.IO would
  // otherwise keep it in the handshake for the socket's lifetime. A copy without it, not `delete`,
  // which would turn the object into a slower, larger dictionary.
  const { token: _token, ...auth } = socket.handshake.auth as { token?: unknown }
  socket.handshake.auth = auth
  // Nothing reads the upgrade request's headers after the handshake; a browser's (cookies, the
  // refresh cookie among them, user agent, languages) would otherwise stay with every socket.
  socket.handshake.headers = {}
  useMetrics().socketsConnected.inc()
  socket.on('disconnecting', onDisconnecting)
  socket.on('disconnect', onDisconnect)
  socket.onAny(dispatchEvent)
  try {
    await presenceOpened(socket)
  } catch (error) {
    // Redis (or the database) unreachable while the socket connects: the member keeps chatting, as
    // during any outage; the heartbeat renewal records this socket once Redis answers again.
    logger.warn({ err: error, socketId: socket.id, userId: socket.data.userId }, 'presence not recorded at connect')
  }
}

/**
 * An expired token must not keep a live session: one sweep over this instance's sockets drops
 * those whose token ran out (the client reconnects with a fresh token). Returns its stop.
 */
export function startTokenExpirySweep(io: ChatServer): () => void {
  const timer = setInterval(() => {
    const now = Date.now()
    for (const socket of io.of('/').sockets.values()) {
      if (socket.data.tokenExp * 1000 > now) continue
      socket.emit('session:expired', { code: 'UNAUTHENTICATED', message: 'access token expired' })
      socket.disconnect(true)
    }
  }, EXPIRY_SWEEP_MS)
  timer.unref()
  return () => clearInterval(timer)
}
