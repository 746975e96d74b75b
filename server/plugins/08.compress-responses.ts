import type { H3Event } from 'h3'
import { compress, compressibleType, MIN_COMPRESSED_BYTES, pickCoding } from '../infra/compression'

/** What a handler returned, as h3 would send it: the bytes and their type, or null when h3 sends it otherwise. */
function serialized(event: H3Event, body: unknown): { bytes: Buffer, type: string } | null {
  const declared = getResponseHeader(event, 'content-type')
  const type = typeof declared === 'string' ? declared : undefined
  if (typeof body === 'string') return { bytes: Buffer.from(body), type: type ?? 'text/html' }
  // Plain objects and arrays only: streams, buffers, web responses and errors keep h3's own path.
  if (body && typeof body === 'object' && (Array.isArray(body) || Object.getPrototypeOf(body) === Object.prototype)) {
    return { bytes: Buffer.from(JSON.stringify(body)), type: type ?? 'application/json' }
  }
  return null
}

/**
 * Compresses the page shell and JSON answers for clients that accept brotli or gzip. Built assets
 * are compressed once at build time and served as .br/.gz files (nitro.compressPublicAssets);
 * Socket.IO answers its own requests (the event is handled before this hook) and is never touched.
 */
export default defineNitroPlugin((nitroApp) => {
  nitroApp.hooks.hook('beforeResponse', async (event, response) => {
    const res = event.node.res
    if (event.handled || res.headersSent || event.method === 'HEAD') return
    if (res.statusCode === 204 || res.statusCode === 304 || res.getHeader('content-encoding')) return
    const coding = pickCoding(getRequestHeader(event, 'accept-encoding'))
    if (!coding) return
    const body = serialized(event, response.body)
    if (!body || body.bytes.length < MIN_COMPRESSED_BYTES || !compressibleType(body.type)) return
    const bytes = await compress(body.bytes, coding)
    setResponseHeader(event, 'content-type', body.type)
    setResponseHeader(event, 'content-encoding', coding)
    appendResponseHeader(event, 'vary', 'Accept-Encoding')
    res.removeHeader('content-length')
    response.body = bytes
  })
})
