import type { H3Event } from 'h3'
import { getHeader } from 'h3'

/** How long a refused upload may keep sending (discarded) while its client reads the error. */
const LINGER_MS = 5000

/** A streamed multipart request as the upload services read it. */
export interface StreamedUpload {
  contentType: string | undefined
  contentLength: string | undefined
  body: AsyncIterable<Uint8Array>
}

/**
 * Hands the request body to an upload service as a stream. When the service refuses the upload
 * before the body is read, the rest is drained (never buffered) so the client gets to read the
 * error, and a client still sending after LINGER_MS is cut off — what nginx calls a lingering close.
 */
export async function withUploadBody<T>(event: H3Event, run: (upload: StreamedUpload) => Promise<T>): Promise<T> {
  const req = event.node.req
  try {
    return await run({
      contentType: getHeader(event, 'content-type'),
      contentLength: getHeader(event, 'content-length'),
      // Not destroyed when parsing stops early, so the error response can still be written.
      body: req.iterator({ destroyOnReturn: false })
    })
  } catch (error) {
    if (!req.complete) {
      req.resume()
      const timer = setTimeout(() => req.socket?.destroy(), LINGER_MS)
      timer.unref()
      req.once('end', () => clearTimeout(timer))
    }
    throw error
  }
}
