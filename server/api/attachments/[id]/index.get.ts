import { idParamsSchema } from '#shared/schemas'
import { attachmentDownloadQuerySchema } from '#shared/upload-schemas'
import { contentDisposition } from '../../../infra/storage/inspect'
import { openAttachment, servedContentType } from '../../../services/upload-access'
import { verifyAttachmentToken } from '../../../services/upload-links'

/**
 * The file of an attachment, for a participant identified by bearer token or by a signed
 * `?token=` (so `<img src>` works). Local storage streams it; Supabase Storage redirects.
 */
export default defineApiHandler(async (event) => {
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  const { token } = await getValidatedQuery(event, attachmentDownloadQuerySchema.parse)
  const userId = token ? await verifyAttachmentToken(id, token) : (await requireActor(event)).id
  const { attachment, etag, download } = await openAttachment(userId, id, getHeader(event, 'if-none-match'))
  setResponseHeaders(event, {
    'cache-control': 'private, no-cache',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer'
  })
  if (!download) {
    setResponseStatus(event, 304)
    setResponseHeader(event, 'etag', etag)
    return null
  }
  if (download.kind === 'redirect') return sendRedirect(event, download.url, 302)
  const inline = attachment.mimeType.startsWith('image/')
  setResponseHeaders(event, {
    'content-type': servedContentType(attachment.mimeType),
    'content-length': download.size,
    'content-disposition': contentDisposition(inline ? 'inline' : 'attachment', attachment.fileName),
    // Opened directly, an uploaded file is a document of this origin: give it no powers.
    'content-security-policy': 'default-src \'none\'; img-src \'self\'; style-src \'unsafe-inline\'; sandbox',
    'cross-origin-resource-policy': 'same-origin',
    etag
  })
  return sendStream(event, download.stream)
})
