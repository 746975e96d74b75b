import { adminReportsQuerySchema } from '#shared/moderation-schemas'
import { listReports } from '#layers/admin/server/services/moderation/reports'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  return listReports(actor, await getValidatedQuery(event, adminReportsQuerySchema.parse))
})
