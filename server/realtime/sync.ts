import { syncRequestSchema } from '#shared/schemas'
import { syncConversations } from '../services/messages/messages'
import { onEvent, type ChatSocket } from './handle'

/** sync:request — what a reconnecting client missed, per conversation. */
export function registerSyncHandlers(socket: ChatSocket) {
  onEvent(socket, 'sync:request', syncRequestSchema, async (actor, input) => ({ results: await syncConversations(actor, input) }))
}
