import { analyticsMessagesQuerySchema } from '#admin-shared/analytics-schemas'
import { listAnalyticsMessages } from '#layers/admin/server/services/analytics/messages'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  return listAnalyticsMessages(actor, await getValidatedQuery(event, analyticsMessagesQuerySchema.parse))
})
