import { clientStateSchema } from '#shared/schemas'
import { clearClientState, setClientState } from '../services/notifications/client-state'
import { onEvent, type ChatSocket } from './handle'

/** client:state — what this client shows, so the notifier holds back what the user already sees. */
export function registerClientStateHandlers() {
  onEvent('client:state', clientStateSchema, async (actor, input, socket) => {
    await setClientState(actor.id, socket.id, input)
    return {}
  })
}

/** The socket closed: what it showed no longer counts. */
export function clientStateClosed(socket: ChatSocket) {
  clearClientState(socket.data.userId, socket.id).catch(() => {})
}
