import { idParamsSchema } from '#shared/schemas'
import { getExport } from '#layers/admin/server/services/exports/jobs'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { export: await getExport(actor, id) }
})
