import { readMarkEventSchema } from '#shared/schemas'
import { markRead } from '../services/messages/reads'
import { onEvent, type ChatSocket } from './handle'

/** read:mark */
export function registerReadHandlers(socket: ChatSocket) {
  onEvent(socket, 'read:mark', readMarkEventSchema, async (actor, input) => {
    await markRead(actor, input)
    return {}
  })
}
