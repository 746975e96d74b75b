import { idParamsSchema } from '#shared/schemas'
import { adminGetConversation } from '#layers/admin/server/services/admin-conversations'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = readParams(event, idParamsSchema)
  return { conversation: await adminGetConversation(actor, id) }
})
