import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { H3Event } from 'h3'
import { setResponseHeaders } from 'h3'
import { contentDisposition } from '../infra/storage/inspect'

/**
 * Streams an export file as a download. Headers go out before the first byte; a failure after
 * that cannot become an error body any more, so the connection is cut and the client sees a
 * truncated download, never a file that looks complete.
 */
export async function sendExportDownload(event: H3Event, file: { stream: Readable, fileName: string, contentType: string }): Promise<void> {
  setResponseHeaders(event, {
    'content-type': file.contentType,
    'content-disposition': contentDisposition('attachment', file.fileName),
    'cache-control': 'private, no-store',
    'x-content-type-options': 'nosniff',
    // An HTML transcript opened from this origin gets no powers: no scripts, nothing loaded.
    'content-security-policy': 'default-src \'none\'; style-src \'unsafe-inline\'; sandbox',
    'referrer-policy': 'no-referrer'
  })
  const res = event.node.res
  try {
    await pipeline(file.stream, res)
  } catch (error) {
    file.stream.destroy()
    if (!res.destroyed) res.destroy(error instanceof Error ? error : undefined)
  }
}
