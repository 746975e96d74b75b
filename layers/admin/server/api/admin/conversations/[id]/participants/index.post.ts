import { addParticipantSchema, idParamsSchema } from '#shared/schemas'
import { adminAddParticipant } from '#layers/admin/server/services/admin-participants'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { participants: await adminAddParticipant(actor, id, await readValidatedBody(event, bodyOf(addParticipantSchema))) }
})
