import { idParamsSchema } from '#shared/schemas'
import { retentionPolicySchema } from '#admin-shared/retention-schemas'
import { setRetentionPolicy } from '#layers/admin/server/services/retention/policy'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { policy: await setRetentionPolicy(actor, id, await readValidatedBody(event, bodyOf(retentionPolicySchema))) }
})
