import { adminReportPatchSchema } from '#shared/moderation-schemas'
import { idParamsSchema } from '#shared/schemas'
import { updateReport } from '#layers/admin/server/services/moderation/reports'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { report: await updateReport(actor, id, await readValidatedBody(event, bodyOf(adminReportPatchSchema))) }
})
