import { idParamsSchema } from '#shared/schemas'
import { adminListParticipants } from '#layers/admin/server/services/conversations/participants'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { participants: await adminListParticipants(actor, id) }
})
