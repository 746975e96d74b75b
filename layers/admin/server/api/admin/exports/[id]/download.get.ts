import { idParamsSchema } from '#shared/schemas'
import { openExportFile } from '#layers/admin/server/services/exports/jobs'
import { sendAttachment } from '~~/server/admin-surface'

/** The finished file of a background export, from whichever instance wrote it (shared storage). */
export default defineApiHandler(async (event) => {
  const actor = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  const file = await openExportFile(actor, id)
  return sendAttachment(event, { etag: `"export-${id}"`, download: file.download }, { contentType: file.contentType, fileName: file.fileName, inline: false })
})
