import { listAutomodRules } from '#layers/admin/server/services/automod/rules'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  return { rules: await listAutomodRules(actor) }
})
