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
    const change = await setPresence(actor, input, socket.id)
    // Picking another status turns Do Not Disturb off, its timer included; an automatic away or back leaves it be.
    if (!input.auto && input.status !== 'dnd') await endTimedDnd(actor.id)
    announce(socket, change, conversationRooms())
    return {}
  })
  let closed = false
  const close = (rooms: string[]) => socketClosed(socket.data.userId, socket.id).then(change => announce(socket, change, rooms)).catch(() => {})
  socket.on('disconnecting', () => {
    closed = true
    void close(conversationRooms())
  })
  await loadDndMirror(socket.data.userId)
  const opened = await socketOpened(socket.data.userId, socket.id)
  // Gone while its heartbeat was being written: drop it again, or it would stay live until its TTL.
  if (closed || socket.disconnected) return void close([])
  announce(socket, opened, conversationRooms())
}
