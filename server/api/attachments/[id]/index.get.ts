import { idParamsSchema } from '#shared/schemas'
import { attachmentDownloadQuerySchema } from '#shared/upload-schemas'
import { openAttachment, servedContentType } from '../../../services/uploads/downloads'
import { verifyAttachmentToken } from '../../../services/uploads/links'
import { sendAttachment } from '../../../utils/attachment-response'

/**
 * The file of an attachment, for a participant identified by bearer token or by a signed
 * `?token=` (so `<img src>` works). Local storage streams it; Supabase Storage redirects.
 */
export default defineApiHandler(async (event) => {
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  const { token } = await getValidatedQuery(event, attachmentDownloadQuerySchema.parse)
  const userId = token ? await verifyAttachmentToken(id, token) : (await requireActor(event)).id
  const opened = await openAttachment(userId, id, getHeader(event, 'if-none-match'))
  const { mimeType, fileName } = opened.attachment
  return sendAttachment(event, opened, { contentType: servedContentType(mimeType), fileName, inline: mimeType.startsWith('image/') })
})
