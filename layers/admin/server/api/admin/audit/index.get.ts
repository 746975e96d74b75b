import { auditQuerySchema } from '#admin-shared/audit-schemas'
import { listAuditEntries } from '#layers/admin/server/services/audit/entries'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  return await listAuditEntries(actor, await getValidatedQuery(event, auditQuerySchema.parse))
})
