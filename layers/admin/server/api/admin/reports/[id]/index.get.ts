import { idParamsSchema } from '#shared/schemas'
import { getReport } from '#layers/admin/server/services/moderation/reports'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { report: await getReport(actor, id) }
})
