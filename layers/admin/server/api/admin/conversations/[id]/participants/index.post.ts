import { idParamsSchema } from '#shared/schemas'
import { adminAddParticipant } from '#layers/admin/server/services/admin-participants'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = readParams(event, idParamsSchema)
  return { participants: await adminAddParticipant(actor, id, await readJson(event)) }
})
