import { idParamsSchema } from '#shared/schemas'
import { runProjectRetentionNow } from '#layers/admin/server/services/retention/run'

/** Runs the project's saved policy now (and purges what has left the restore window), as this admin. */
export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return await runProjectRetentionNow(actor, id)
})
