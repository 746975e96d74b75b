import { listProjectRetention } from '#layers/admin/server/services/retention/policy'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  return { projects: await listProjectRetention(actor) }
})
