import { listAuditEntries } from '#layers/admin/server/services/audit'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  return { entries: await listAuditEntries(actor, getQuery(event)) }
})
