import type { PresenceChangePayload } from '#shared/events'
import { presenceUpdateSchema } from '#shared/schemas'
import { setPresence, socketClosed, socketOpened } from '../services/people/presence'
import { onEvent, type ChatSocket } from './handle'

/** Announces a change to everyone sharing a conversation with the user. */
function announce(socket: ChatSocket, change: PresenceChangePayload | null, rooms: string[]) {
  if (change && rooms.length) socket.nsp.to(rooms).emit('presence:change', change)
}

/** presence:update, plus online/offline as the user's first socket opens and last one closes. */
export async function registerPresenceHandlers(socket: ChatSocket) {
  const conversationRooms = () => [...socket.rooms].filter(r => r.startsWith('conv:'))
  onEvent(socket, 'presence:update', presenceUpdateSchema, async (actor, input) => {
    announce(socket, await setPresence(actor, input), conversationRooms())
    return {}
  })
  socket.on('disconnecting', () => {
    const rooms = conversationRooms()
    socketClosed(socket.data.userId).then(change => announce(socket, change, rooms)).catch(() => {})
  })
  announce(socket, await socketOpened(socket.data.userId), conversationRooms())
}
