import { syncRequestSchema } from '#shared/schemas'
import { syncConversations } from '../services/messages/messages'
import { onEvent } from './handle'

/** sync:request — what a reconnecting client missed, per conversation. */
export function registerSyncHandlers() {
  onEvent('sync:request', syncRequestSchema, async (actor, input) => ({ results: await syncConversations(actor, input) }))
}
