import { analyticsQuerySchema } from '#admin-shared/analytics-schemas'
import { getAnalytics } from '#layers/admin/server/services/analytics/summary'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  return getAnalytics(actor, await getValidatedQuery(event, analyticsQuerySchema.parse))
})
