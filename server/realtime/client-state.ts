import { clientStateSchema } from '#shared/schemas'
import { clearClientState, setClientState } from '../services/notifications/client-state'
import { onEvent, type ChatSocket } from './handle'

/** client:state — what this client shows, so the notifier holds back what the user already sees. */
export function registerClientStateHandlers(socket: ChatSocket) {
  onEvent(socket, 'client:state', clientStateSchema, async (actor, input) => {
    await setClientState(actor.id, socket.id, input)
    return {}
  })
  socket.on('disconnect', () => {
    clearClientState(socket.data.userId, socket.id).catch(() => {})
  })
}
