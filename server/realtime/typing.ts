import { typingEventSchema } from '#shared/schemas'
import { TYPING_EXPIRY_MS, TYPING_START_INTERVAL_MS } from '#shared/limits'
import { claimTypingAnnouncement } from '../infra/rate-limit'
import { conversationRoom } from '../infra/realtime'
import { AppError } from '../utils/errors'
import { onEvent, type ChatSocket } from './handle'

/**
 * typing:start / typing:stop. The socket's rooms mirror its memberships, so membership is checked
 * without a query; a start not renewed within the expiry stops by itself. A user's start is
 * announced at most once per interval per conversation (across sockets and instances), and a stop
 * only follows an announced start, so toggling cannot flood the room.
 */
export function registerTypingHandlers(socket: ChatSocket) {
  const timers = new Map<string, ReturnType<typeof setTimeout>>()
  const emit = (conversationId: string, isTyping: boolean) => {
    socket.to(conversationRoom(conversationId)).emit('typing:update', {
      conversationId, userId: socket.data.userId, displayName: socket.data.displayName, isTyping
    })
  }
  const stop = (conversationId: string) => {
    const timer = timers.get(conversationId)
    if (!timer) return
    clearTimeout(timer)
    timers.delete(conversationId)
    emit(conversationId, false)
  }
  const participating = (conversationId: string) => {
    if (!socket.rooms.has(conversationRoom(conversationId))) throw new AppError('FORBIDDEN', 'you are not a participant of this conversation')
    return conversationId
  }
  onEvent(socket, 'typing:start', typingEventSchema, async (_actor, input) => {
    const conversationId = participating(input.conversationId)
    if (!timers.has(conversationId)) {
      const retryAfterMs = await claimTypingAnnouncement(socket.data.userId, conversationId, TYPING_START_INTERVAL_MS)
      if (retryAfterMs > 0) throw new AppError('RATE_LIMITED', 'typing announced too often', { retryAfterMs })
      emit(conversationId, true)
    }
    clearTimeout(timers.get(conversationId))
    timers.set(conversationId, setTimeout(() => stop(conversationId), TYPING_EXPIRY_MS))
    return {}
  })
  onEvent(socket, 'typing:stop', typingEventSchema, async (_actor, input) => {
    stop(participating(input.conversationId))
    return {}
  })
  socket.on('disconnect', () => {
    for (const conversationId of [...timers.keys()]) stop(conversationId)
  })
}
