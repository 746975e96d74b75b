import { adminConversationsQuerySchema } from '#admin-shared/admin-schemas'
import { adminListConversations } from '#layers/admin/server/services/conversations/conversations'

// Admin routes check the role before reading input, so a member learns nothing, not even which inputs are valid.
export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  return adminListConversations(actor, await getValidatedQuery(event, adminConversationsQuerySchema.parse))
})
