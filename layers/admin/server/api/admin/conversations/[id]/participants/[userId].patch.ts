import { changeParticipantRoleSchema, participantParamsSchema } from '#shared/schemas'
import { adminChangeParticipantRole } from '#layers/admin/server/services/conversations/participants'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id, userId } = await getValidatedRouterParams(event, participantParamsSchema.parse)
  return { participants: await adminChangeParticipantRole(actor, id, userId, await readValidatedBody(event, bodyOf(changeParticipantRoleSchema))) }
})
