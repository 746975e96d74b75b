import { adminRemoveParticipantsSchema } from '#admin-shared/admin-schemas'
import { idParamsSchema } from '#shared/schemas'
import { adminRemoveParticipants } from '#layers/admin/server/services/conversations/participants'

// Bulk removal: `POST .../participants/remove { userIds: [...] }` → `{ participants, removed }`. A POST, since
// DELETE bodies are dropped by some proxies; one participant is still `DELETE .../participants/:userId`.
export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return adminRemoveParticipants(actor, id, await readValidatedBody(event, bodyOf(adminRemoveParticipantsSchema)))
})
