import { deliveredMarkEventSchema } from '#shared/receipt-schemas'
import { readMarkEventSchema } from '#shared/schemas'
import { markDelivered } from '../services/messages/receipts'
import { markRead } from '../services/messages/reads'
import { onEvent } from './handle'

/** read:mark, delivered:mark */
export function registerReadHandlers() {
  onEvent('read:mark', readMarkEventSchema, async (actor, input) => {
    await markRead(actor, input)
    return {}
  })
  onEvent('delivered:mark', deliveredMarkEventSchema, async (actor, input) => {
    await markDelivered(actor, input)
    return {}
  })
}
