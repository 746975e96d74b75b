import { typingEventSchema } from '#shared/schemas'
import { TYPING_EXPIRY_MS } from '#shared/limits'
import { conversationRoom } from '../infra/realtime'
import { AppError, parseInput } from '../utils/errors'
import { onEvent, type ChatSocket } from './handle'

/**
 * typing:start / typing:stop. The socket's rooms mirror its memberships, so membership is checked
 * without a query; a start not renewed within the expiry stops by itself.
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
  const parse = (payload: unknown) => {
    const { conversationId } = parseInput(typingEventSchema, payload)
    if (!socket.rooms.has(conversationRoom(conversationId))) throw new AppError('FORBIDDEN', 'you are not a participant of this conversation')
    return conversationId
  }
  onEvent(socket, 'typing:start', async (_actor, payload) => {
    const conversationId = parse(payload)
    const wasTyping = timers.has(conversationId)
    clearTimeout(timers.get(conversationId))
    timers.set(conversationId, setTimeout(() => stop(conversationId), TYPING_EXPIRY_MS))
    if (!wasTyping) emit(conversationId, true)
    return {}
  })
  onEvent(socket, 'typing:stop', async (_actor, payload) => {
    stop(parse(payload))
    return {}
  })
  socket.on('disconnect', () => {
    for (const conversationId of [...timers.keys()]) stop(conversationId)
  })
}
