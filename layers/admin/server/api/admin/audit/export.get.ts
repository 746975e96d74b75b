import { auditExportQuerySchema } from '#admin-shared/audit-schemas'
import { exportAuditLog } from '#layers/admin/server/services/audit/export'

export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { stream, fileName, contentType } = await exportAuditLog(actor, await getValidatedQuery(event, auditExportQuerySchema.parse))
  setResponseHeaders(event, { 'content-type': contentType, 'content-disposition': `attachment; filename="${fileName}"`, 'cache-control': 'no-store' })
  return sendStream(event, stream)
})
