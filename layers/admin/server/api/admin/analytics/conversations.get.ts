import { analyticsConversationsQuerySchema } from '#admin-shared/analytics-schemas'
import { getAnalyticsConversations } from '#layers/admin/server/services/analytics/summary'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  return getAnalyticsConversations(actor, await getValidatedQuery(event, analyticsConversationsQuerySchema.parse))
})
