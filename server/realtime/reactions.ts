import { addReaction, removeReaction } from '../services/reactions'
import { onEvent, type ChatSocket } from './handle'

/** reaction:add, reaction:remove */
export function registerReactionHandlers(socket: ChatSocket) {
  onEvent(socket, 'reaction:add', async (actor, payload) => ({ message: await addReaction(actor, payload) }))
  onEvent(socket, 'reaction:remove', async (actor, payload) => ({ message: await removeReaction(actor, payload) }))
}
