import { reactionEventSchema } from '#shared/reaction-schemas'
import { idParamsSchema } from '#shared/schemas'
import { addReaction } from '../../../../services/messages/reactions'

/** `{ emoji }` → `{ message }`: the caller reacts (again reacting changes nothing). */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  const { emoji } = await readValidatedBody(event, bodyOf(reactionEventSchema.omit({ messageId: true })))
  return { message: await addReaction(actor, { messageId: id, emoji }) }
})
