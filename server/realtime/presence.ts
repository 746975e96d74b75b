import type { PresenceChangePayload } from '#shared/events'
import { presenceUpdateSchema } from '#shared/schemas'
import { endTimedDnd, loadDndMirror } from '../services/people/dnd'
import { setPresence, socketClosed, socketOpened } from '../services/people/presence'
import { onEvent, type ChatSocket } from './handle'

/** Announces a change to everyone sharing a conversation with the user. */
function announce(socket: ChatSocket, change: PresenceChangePayload | null, rooms: string[]) {
  if (change && rooms.length) socket.nsp.to(rooms).emit('presence:change', change)
}

const conversationRooms = (socket: ChatSocket) => [...socket.rooms].filter(r => r.startsWith('conv:'))

function close(socket: ChatSocket, rooms: string[]) {
  return socketClosed(socket.data.userId, socket.id).then(change => announce(socket, change, rooms)).catch(() => {})
}

/** presence:update */
export function registerPresenceHandlers() {
  onEvent('presence:update', presenceUpdateSchema, async (actor, input, socket) => {
    const change = await setPresence(actor, input, socket.id)
    // Picking another status turns Do Not Disturb off, its timer included; an automatic away or back leaves it be.
    if (!input.auto && input.status !== 'dnd') await endTimedDnd(actor.id)
    announce(socket, change, conversationRooms(socket))
    return {}
  })
}

/** The socket is leaving (its rooms are still known): offline goes to them when it was the user's last socket. */
export function presenceClosing(socket: ChatSocket) {
  void close(socket, conversationRooms(socket))
}

/** Online as the user's first socket opens; call once `presenceClosing` is wired for the socket. */
export async function presenceOpened(socket: ChatSocket) {
  await loadDndMirror(socket.data.userId)
  const opened = await socketOpened(socket.data.userId, socket.id)
  // Gone while its heartbeat was being written: drop it again, or it would stay live until its TTL.
  // (Socket.IO marks a socket disconnected in the same tick as its "disconnecting" event.)
  if (socket.disconnected) return void close(socket, [])
  announce(socket, opened, conversationRooms(socket))
}
