import { escalationRuleSchema } from '#shared/moderation-schemas'
import { createEscalationRule } from '#layers/admin/server/services/escalation/rules'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  return { rule: await createEscalationRule(actor, await readValidatedBody(event, bodyOf(escalationRuleSchema))) }
})
