import { listEscalationRules } from '#layers/admin/server/services/escalation/rules'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  return { rules: await listEscalationRules(actor) }
})
