import { countPendingReports } from '#layers/admin/server/services/admin-reports'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  return { pending: await countPendingReports(actor) }
})
