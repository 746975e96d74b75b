import { participantParamsSchema } from '#shared/schemas'
import { adminRemoveParticipant } from '#layers/admin/server/services/admin-participants'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id, userId } = readParams(event, participantParamsSchema)
  return { participants: await adminRemoveParticipant(actor, id, userId) }
})
