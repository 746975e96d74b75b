import { idParamsSchema } from '#shared/schemas'
import { automodRulePatchSchema } from '#shared/automod-schemas'
import { updateAutomodRule } from '#layers/admin/server/services/automod/rules'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { rule: await updateAutomodRule(actor, id, await readValidatedBody(event, bodyOf(automodRulePatchSchema))) }
})
