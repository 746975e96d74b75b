import { countPendingReports } from '#layers/admin/server/services/moderation/reports'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  return { pending: await countPendingReports(actor) }
})
