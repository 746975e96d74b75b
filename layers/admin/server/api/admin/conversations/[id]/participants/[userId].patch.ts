import { participantParamsSchema } from '#shared/schemas'
import { adminChangeParticipantRole } from '#layers/admin/server/services/admin-participants'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id, userId } = readParams(event, participantParamsSchema)
  return { participants: await adminChangeParticipantRole(actor, id, userId, await readJson(event)) }
})
