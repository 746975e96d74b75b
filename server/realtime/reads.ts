import { deliveredMarkEventSchema } from '#shared/receipt-schemas'
import { readMarkEventSchema } from '#shared/schemas'
import { markDelivered } from '../services/messages/receipts'
import { markRead } from '../services/messages/reads'
import { onEvent, type ChatSocket } from './handle'

/** read:mark, delivered:mark */
export function registerReadHandlers(socket: ChatSocket) {
  onEvent(socket, 'read:mark', readMarkEventSchema, async (actor, input) => {
    await markRead(actor, input)
    return {}
  })
  onEvent(socket, 'delivered:mark', deliveredMarkEventSchema, async (actor, input) => {
    await markDelivered(actor, input)
    return {}
  })
}
