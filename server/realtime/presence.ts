import type { PresenceChangePayload } from '#shared/events'
import { presenceUpdateSchema } from '#shared/schemas'
import { endTimedDnd, loadDndMirror } from '../services/people/dnd'
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
    const change = await setPresence(actor, input)
    // Picking another status turns Do Not Disturb off, its timer included.
    if (input.status !== 'dnd') await endTimedDnd(actor.id)
    announce(socket, change, conversationRooms())
    return {}
  })
  socket.on('disconnecting', () => {
    const rooms = conversationRooms()
    socketClosed(socket.data.userId).then(change => announce(socket, change, rooms)).catch(() => {})
  })
  await loadDndMirror(socket.data.userId)
  announce(socket, await socketOpened(socket.data.userId), conversationRooms())
}
