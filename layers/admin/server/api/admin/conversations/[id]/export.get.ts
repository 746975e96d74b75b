import { adminExportQuerySchema } from '#shared/export-schemas'
import { idParamsSchema } from '#shared/schemas'
import { openAdminConversationExport } from '#layers/admin/server/services/exports/conversation'
import { sendExportDownload } from '~~/server/admin-surface'

/** One conversation as a streamed file: `?format=csv|json|ndjson|html&from&to&includeDeleted&includeAttachments`. */
export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  const query = await getValidatedQuery(event, adminExportQuerySchema.parse)
  await sendExportDownload(event, await openAdminConversationExport(actor, id, query))
})
