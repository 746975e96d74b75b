import { idParamsSchema } from '#shared/schemas'
import { retentionPolicySchema } from '#admin-shared/retention-schemas'
import { previewRetention } from '#layers/admin/server/services/retention/apply'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return await previewRetention(actor, id, await readValidatedBody(event, bodyOf(retentionPolicySchema)))
})
