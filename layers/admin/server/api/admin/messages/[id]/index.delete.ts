import { idParamsSchema } from '#shared/schemas'
import { adminDeleteMessage } from '#layers/admin/server/services/moderation/messages'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { message: await adminDeleteMessage(actor, id) }
})
