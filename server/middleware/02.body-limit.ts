import type { IncomingMessage } from 'node:http'
import type { H3Event } from 'h3'
import { useMetrics } from '../infra/metrics'
import { getConfig } from '../utils/config'

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
/** Stream their multipart body to disk and count it against their own limit. */
const UPLOAD_ROUTE = /^\/api\/(conversations\/[^/]+\/uploads|me\/avatar)\/?$/
/** Engine.IO caps its own polling bodies with maxHttpBufferSize. */
const ENGINE_ROUTE = /^\/socket\.io\//
/** Routes that carry a message's text: sends, edits, drafts and scheduled messages. */
const MESSAGE_ROUTE = /^\/api\/(conversations\/[^/]+\/(messages|draft|scheduled)|messages\/[^/]+|scheduled\/[^/]+)\/?$/
/** How long a refused client may keep sending (discarded) while it reads the 413. */
const LINGER_MS = 5000

/**
 * The largest body a route accepts: JSON_BODY_MAX_BYTES, and for message routes enough for a
 * message of CHAT_MAX_MESSAGE_LENGTH characters that JSON escapes at 6 bytes each (`\u0001`).
 */
export function bodyLimit(path: string): number {
  const { jsonBodyMaxBytes, maxMessageLength } = getConfig()
  return MESSAGE_ROUTE.test(path) ? Math.max(jsonBodyMaxBytes, maxMessageLength * 6 + 8192) : jsonBodyMaxBytes
}

/** The body, or null as soon as it grows past `limit` (the rest is never buffered). */
function readCapped(req: IncomingMessage, limit: number): Promise<Buffer<ArrayBuffer> | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        cleanup()
        resolve(null)
        return
      }
      chunks.push(chunk)
    }
    const onEnd = () => {
      cleanup()
      resolve(Buffer.concat(chunks))
    }
    const onError = (error: Error) => {
      cleanup()
      reject(error)
    }
    const cleanup = () => {
      req.off('data', onData).off('end', onEnd).off('error', onError)
    }
    req.on('data', onData).on('end', onEnd).on('error', onError)
  })
}

function refuse(event: H3Event, limit: number) {
  const req = event.node.req
  if (!req.complete) {
    // Answer first and drain the rest without keeping it: closing at once would make many
    // clients fail with EPIPE before reading the 413. A client still sending is cut off.
    req.resume()
    const timer = setTimeout(() => req.socket?.destroy(), LINGER_MS)
    timer.unref()
    req.once('end', () => clearTimeout(timer))
  }
  useMetrics().errors.inc({ code: 'PAYLOAD_TOO_LARGE' })
  setResponseStatus(event, 413)
  return { error: { code: 'PAYLOAD_TOO_LARGE', message: `request body exceeds ${limit} bytes`, details: { maxBytes: limit } } }
}

/**
 * Caps request bodies before anything parses them or looks at credentials: by Content-Length
 * when declared, by counting when chunked. The accepted body is handed to h3's readBody.
 */
export default defineEventHandler(async (event) => {
  if (!BODY_METHODS.has(event.method)) return
  const path = event.path.split('?')[0] ?? ''
  if (ENGINE_ROUTE.test(path) || UPLOAD_ROUTE.test(path)) return
  const req = event.node.req
  const limit = bodyLimit(path)
  const declared = req.headers['content-length']
  if (declared !== undefined) {
    const length = Number(declared)
    if (!Number.isFinite(length) || length > limit) return refuse(event, limit)
    if (length === 0) return
  } else if (!req.headers['transfer-encoding']) {
    return
  }
  let body: Buffer<ArrayBuffer> | null
  try {
    body = await readCapped(req, limit)
  } catch (error) {
    // The client went away mid-body (a closed tab, a dropped network): there is nobody left to
    // answer, and nothing went wrong on this side worth logging as an unhandled error.
    if (!req.destroyed) throw error
    event._handled = true
    return
  }
  if (body === null) return refuse(event, limit)
  event._requestBody = body
})
