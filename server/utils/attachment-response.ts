import type { H3Event } from 'h3'
import { sendRedirect, sendStream, setResponseHeader, setResponseHeaders, setResponseStatus } from 'h3'
import { contentDisposition } from '../infra/storage/inspect'
import type { Download } from '../infra/storage'

/** Answers with an opened attachment: 304 when current, a redirect to the backend, or the streamed bytes with locked-down headers. */
export function sendAttachment(event: H3Event, opened: { etag: string, download: Download | null }, file: { contentType: string, fileName: string, inline: boolean }) {
  const { etag, download } = opened
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
  setResponseHeaders(event, {
    'content-type': file.contentType,
    'content-length': download.size,
    'content-disposition': contentDisposition(file.inline ? 'inline' : 'attachment', file.fileName),
    // Opened directly, an uploaded file is a document of this origin: give it no powers.
    'content-security-policy': 'default-src \'none\'; img-src \'self\'; style-src \'unsafe-inline\'; sandbox',
    'cross-origin-resource-policy': 'same-origin',
    etag
  })
  return sendStream(event, download.stream)
}
