import { reactionEventSchema } from '#shared/reaction-schemas'
import { addReaction, removeReaction } from '../services/messages/reactions'
import { onEvent } from './handle'

/** reaction:add, reaction:remove */
export function registerReactionHandlers() {
  onEvent('reaction:add', reactionEventSchema, async (actor, payload) => ({ message: await addReaction(actor, payload) }))
  onEvent('reaction:remove', reactionEventSchema, async (actor, payload) => ({ message: await removeReaction(actor, payload) }))
}
