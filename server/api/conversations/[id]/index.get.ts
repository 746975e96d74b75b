import { idParamsSchema } from '#shared/schemas'
import { getConversation } from '../../../services/conversations/conversations'

export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return getConversation(actor, id)
})
