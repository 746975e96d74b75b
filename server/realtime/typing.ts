import { typingEventSchema } from '#shared/schemas'
import { TYPING_EXPIRY_MS, TYPING_START_INTERVAL_MS } from '#shared/limits'
import { claimTypingAnnouncement } from '../infra/rate-limit'
import { conversationRoom } from '../infra/realtime'
import { AppError } from '../utils/errors'
import { onEvent, type ChatSocket } from './handle'

// Per socket, the conversations it is typing in and when each start runs out; made on the first
// start, dropped with the last stop, so an idle socket holds nothing here.
const typingTimers = new WeakMap<ChatSocket, Map<string, ReturnType<typeof setTimeout>>>()

function emit(socket: ChatSocket, conversationId: string, isTyping: boolean) {
  socket.to(conversationRoom(conversationId)).emit('typing:update', {
    conversationId, userId: socket.data.userId, displayName: socket.data.displayName, isTyping
  })
}

function stop(socket: ChatSocket, conversationId: string) {
  const timers = typingTimers.get(socket)
  const timer = timers?.get(conversationId)
  if (!timers || !timer) return
  clearTimeout(timer)
  timers.delete(conversationId)
  if (timers.size === 0) typingTimers.delete(socket)
  emit(socket, conversationId, false)
}

function participating(socket: ChatSocket, conversationId: string) {
  if (!socket.rooms.has(conversationRoom(conversationId))) throw new AppError('FORBIDDEN', 'you are not a participant of this conversation')
  return conversationId
}

/**
 * typing:start / typing:stop. The socket's rooms mirror its memberships, so membership is checked
 * without a query; a start not renewed within the expiry stops by itself. A user's start is
 * announced at most once per interval per conversation (across sockets and instances), and a stop
 * only follows an announced start, so toggling cannot flood the room.
 */
export function registerTypingHandlers() {
  onEvent('typing:start', typingEventSchema, async (_actor, input, socket) => {
    const conversationId = participating(socket, input.conversationId)
    if (!typingTimers.get(socket)?.has(conversationId)) {
      const retryAfterMs = await claimTypingAnnouncement(socket.data.userId, conversationId, TYPING_START_INTERVAL_MS)
      if (retryAfterMs > 0) throw new AppError('RATE_LIMITED', 'typing announced too often', { retryAfterMs })
      emit(socket, conversationId, true)
    }
    let timers = typingTimers.get(socket)
    if (!timers) typingTimers.set(socket, timers = new Map())
    clearTimeout(timers.get(conversationId))
    timers.set(conversationId, setTimeout(() => stop(socket, conversationId), TYPING_EXPIRY_MS))
    return {}
  })
  onEvent('typing:stop', typingEventSchema, async (_actor, input, socket) => {
    stop(socket, participating(socket, input.conversationId))
    return {}
  })
}

/** The socket closed: each conversation it was typing in hears it stop. */
export function typingClosed(socket: ChatSocket) {
  for (const conversationId of [...typingTimers.get(socket)?.keys() ?? []]) stop(socket, conversationId)
}
