import { idParamsSchema } from '#shared/schemas'
import { markConversationAllRead } from '../../../services/messages/reads-all'

/** Marks the conversation read to its newest message, its threads included → `{ ok: true }`. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  await markConversationAllRead(actor, id)
  return { ok: true }
})
