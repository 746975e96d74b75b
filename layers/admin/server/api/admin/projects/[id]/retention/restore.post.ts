import { idParamsSchema } from '#shared/schemas'
import { retentionRestoreSchema } from '#admin-shared/retention-schemas'
import { restoreRetention } from '#layers/admin/server/services/retention/restore'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return await restoreRetention(actor, id, await readValidatedBody(event, bodyOf(retentionRestoreSchema)))
})
