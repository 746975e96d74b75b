import { idParamsSchema } from '#shared/schemas'
import { deleteEscalationRule } from '#layers/admin/server/services/escalation/rules'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  await deleteEscalationRule(actor, id)
  return { ok: true }
})
