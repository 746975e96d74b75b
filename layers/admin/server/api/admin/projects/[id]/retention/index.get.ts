import { idParamsSchema } from '#shared/schemas'
import { getRetentionPolicy } from '#layers/admin/server/services/retention/policy'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { policy: await getRetentionPolicy(actor, id) }
})
