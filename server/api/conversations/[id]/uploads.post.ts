import { idParamsSchema } from '#shared/schemas'
import { uploadAttachment } from '../../../services/uploads/uploads'
import { withUploadBody } from '../../../utils/upload-request'

/** Multipart `file` → `{ attachment }`, referenced later by `attachmentIds` in a send. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { attachment: await withUploadBody(event, upload => uploadAttachment(actor, id, upload)) }
})
