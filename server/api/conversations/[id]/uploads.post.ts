import { idParamsSchema } from '#shared/schemas'
import { uploadAttachment } from '../../../services/uploads'

/** How long a refused upload may keep sending (discarded) while its client reads the error. */
const LINGER_MS = 5000

/** Multipart `file` → `{ attachment }`, referenced later by `attachmentIds` in a send. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  const req = event.node.req
  try {
    const attachment = await uploadAttachment(actor, id, {
      contentType: getHeader(event, 'content-type'),
      contentLength: getHeader(event, 'content-length'),
      // Not destroyed when parsing stops early, so the error response can still be written.
      body: req.iterator({ destroyOnReturn: false })
    })
    return { attachment }
  } catch (error) {
    if (!req.complete) {
      // Closing at once makes many clients fail with EPIPE before they read the 413; instead the
      // rest is read and thrown away (never buffered), and a client still sending after
      // LINGER_MS is cut off — what nginx calls a lingering close.
      req.resume()
      const timer = setTimeout(() => req.socket?.destroy(), LINGER_MS)
      timer.unref()
      req.once('end', () => clearTimeout(timer))
    }
    throw error
  }
})
