import { idParamsSchema } from '#shared/schemas'
import { adminRestoreMessage } from '#layers/admin/server/services/moderation/messages'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { message: await adminRestoreMessage(actor, id) }
})
