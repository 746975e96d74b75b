import { randomUUID } from 'node:crypto'
import { logger, scrubUrl } from '../infra/logger'

/** An id a proxy or client may pass along; anything else is replaced rather than logged. */
const SANE_REQUEST_ID = /^[\w.:-]{8,128}$/

/**
 * Gives every request an id (the incoming `x-request-id` when it looks like one), echoes it in
 * the response, and writes one access line when the response is done: 5xx as error, 4xx as warn.
 */
export default defineEventHandler((event) => {
  const incoming = getRequestHeader(event, 'x-request-id')
  const requestId = incoming && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID()
  const log = logger.child({ reqId: requestId })
  event.context.requestId = requestId
  event.context.log = log
  setResponseHeader(event, 'x-request-id', requestId)

  const started = performance.now()
  const res = event.node.res
  res.once('close', () => {
    const status = res.statusCode
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info'
    log[level]({
      method: event.method,
      url: scrubUrl(event.node.req.originalUrl ?? event.node.req.url ?? event.path),
      status,
      ms: Math.round(performance.now() - started),
      ...(res.writableFinished ? {} : { aborted: true })
    }, 'request')
  })
})
