import { memberExportQuerySchema } from '#shared/export-schemas'
import { idParamsSchema } from '#shared/schemas'
import { openMemberExport } from '../../../services/export/member'
import { sendExportDownload } from '../../../utils/export-response'

/** A participant's own copy of the conversation (or `?threadId=` one thread), streamed as JSON or HTML. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  const opened = await openMemberExport(actor, id, await getValidatedQuery(event, memberExportQuerySchema.parse))
  await sendExportDownload(event, opened)
})
