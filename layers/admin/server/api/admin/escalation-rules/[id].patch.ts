import { escalationRulePatchSchema } from '#shared/moderation-schemas'
import { idParamsSchema } from '#shared/schemas'
import { updateEscalationRule } from '#layers/admin/server/services/escalation/rules'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { rule: await updateEscalationRule(actor, id, await readValidatedBody(event, bodyOf(escalationRulePatchSchema))) }
})
