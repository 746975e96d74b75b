import { exportListQuerySchema } from '#shared/export-schemas'
import { listExports } from '#layers/admin/server/services/exports/jobs'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  return { exports: await listExports(actor, await getValidatedQuery(event, exportListQuerySchema.parse)) }
})
