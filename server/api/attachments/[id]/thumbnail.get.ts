import { idParamsSchema } from '#shared/schemas'
import { attachmentDownloadQuerySchema } from '#shared/upload-schemas'
import { THUMBNAIL_MIME_TYPE } from '../../../infra/storage/thumbnail'
import { openAttachment, thumbnailFileName } from '../../../services/uploads/downloads'
import { verifyAttachmentToken } from '../../../services/uploads/links'
import { sendAttachment } from '../../../utils/attachment-response'

/** An image attachment's server-made thumbnail, for the same callers and links as the file itself. */
export default defineApiHandler(async (event) => {
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  const { token } = await getValidatedQuery(event, attachmentDownloadQuerySchema.parse)
  const userId = token ? await verifyAttachmentToken(id, token) : (await requireActor(event)).id
  const opened = await openAttachment(userId, id, getHeader(event, 'if-none-match'), 'thumbnail')
  return sendAttachment(event, opened, { contentType: THUMBNAIL_MIME_TYPE, fileName: thumbnailFileName(opened.attachment.fileName), inline: true })
})
