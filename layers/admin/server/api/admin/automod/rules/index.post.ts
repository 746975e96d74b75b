import { automodRuleInputSchema } from '#shared/automod-schemas'
import { createAutomodRule } from '#layers/admin/server/services/automod/rules'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  return { rule: await createAutomodRule(actor, await readValidatedBody(event, bodyOf(automodRuleInputSchema))) }
})
