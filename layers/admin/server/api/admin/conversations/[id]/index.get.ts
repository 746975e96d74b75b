import { idParamsSchema } from '#shared/schemas'
import { adminGetConversation } from '#layers/admin/server/services/conversations/conversations'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { conversation: await adminGetConversation(actor, id) }
})
