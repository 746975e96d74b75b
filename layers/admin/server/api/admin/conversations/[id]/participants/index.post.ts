import { adminAddParticipantsSchema } from '#admin-shared/admin-schemas'
import { idParamsSchema } from '#shared/schemas'
import { adminAddParticipant } from '#layers/admin/server/services/conversations/participants'

// One user: `{ userId, role }` (the contract). Several at once: `{ userIds: [...], role }` (all or nothing). → `{ participants }`
export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { participants: await adminAddParticipant(actor, id, await readValidatedBody(event, bodyOf(adminAddParticipantsSchema))) }
})
