import { adminUpdateConversationSchema } from '#admin-shared/admin-schemas'
import { idParamsSchema } from '#shared/schemas'
import { adminUpdateConversation } from '#layers/admin/server/services/conversations/conversations'

// `{ status?, settings?: { slowModeSeconds?, membersCanPin? }, title? }` → `{ conversation }` (AdminConversation).
export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { conversation: await adminUpdateConversation(actor, id, await readValidatedBody(event, bodyOf(adminUpdateConversationSchema))) }
})
