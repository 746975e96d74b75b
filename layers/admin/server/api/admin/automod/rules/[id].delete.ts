import { idParamsSchema } from '#shared/schemas'
import { deleteAutomodRule } from '#layers/admin/server/services/automod/rules'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { rule: await deleteAutomodRule(actor, id) }
})
