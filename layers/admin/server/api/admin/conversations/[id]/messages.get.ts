import { adminHistoryQuerySchema } from '#admin-shared/admin-schemas'
import { idParamsSchema } from '#shared/schemas'
import { adminConversationHistory } from '#layers/admin/server/services/conversations/history'

// `?before|after|around=<seq>&limit` → `{ messages, hasMoreBefore, hasMoreAfter }`, deleted messages included (read-only).
export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return adminConversationHistory(actor, id, await getValidatedQuery(event, adminHistoryQuerySchema.parse))
})
