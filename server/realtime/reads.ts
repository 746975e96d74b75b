import { markRead } from '../services/reads'
import { onEvent, type ChatSocket } from './handle'

/** read:mark */
export function registerReadHandlers(socket: ChatSocket) {
  onEvent(socket, 'read:mark', async (actor, payload) => {
    await markRead(actor, payload)
    return {}
  })
}
