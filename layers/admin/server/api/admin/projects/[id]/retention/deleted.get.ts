import { idParamsSchema } from '#shared/schemas'
import { retentionDeletedQuerySchema } from '#admin-shared/retention-schemas'
import { listRetentionDeleted } from '#layers/admin/server/services/retention/restore'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return await listRetentionDeleted(actor, id, await getValidatedQuery(event, retentionDeletedQuerySchema.parse))
})
