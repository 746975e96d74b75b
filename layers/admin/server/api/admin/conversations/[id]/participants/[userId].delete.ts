import { participantParamsSchema } from '#shared/schemas'
import { adminRemoveParticipant } from '#layers/admin/server/services/conversations/participants'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id, userId } = await getValidatedRouterParams(event, participantParamsSchema.parse)
  return { participants: await adminRemoveParticipant(actor, id, userId) }
})
