import { reactionEventSchema } from '#shared/reaction-schemas'
import { addReaction, removeReaction } from '../services/messages/reactions'
import { onEvent, type ChatSocket } from './handle'

/** reaction:add, reaction:remove */
export function registerReactionHandlers(socket: ChatSocket) {
  onEvent(socket, 'reaction:add', reactionEventSchema, async (actor, payload) => ({ message: await addReaction(actor, payload) }))
  onEvent(socket, 'reaction:remove', reactionEventSchema, async (actor, payload) => ({ message: await removeReaction(actor, payload) }))
}
