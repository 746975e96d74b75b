// Engine.IO v4 / Socket.IO v5 text framing, without any k6 or Node import: k6/lib/socketio.js
// speaks it over k6/websockets, and the tooling tests (test/tooling/k6-engineio.test.ts) run it in Node.
//   server → `0{sid,pingInterval,pingTimeout,maxPayload}`  Engine.IO open
//   client → `40{"token":"…"}`                             Socket.IO CONNECT with auth
//   server → `40{"sid":…}` | `44{"message":"UNAUTHENTICATED",…}`
//   events   `42["event",data]`, with ack id `42<id>["event",data]`, ack reply `43<id>[data]`
//   server ping `2` → client pong `3`; `41` = server-side disconnect; `1` = engine close.

/**
 * One decoded text frame.
 * @typedef {{ kind: 'ping', probe: string }
 *   | { kind: 'open', handshake: unknown }
 *   | { kind: 'close' }
 *   | { kind: 'connect', sid: string | null }
 *   | { kind: 'connect_error', error: { message: string, data?: unknown } }
 *   | { kind: 'disconnect' }
 *   | { kind: 'event', name: string, args: unknown[], ackId: number | null }
 *   | { kind: 'ack', ackId: number, args: unknown[] }
 *   | { kind: 'ignored', reason: string }} Frame
 */

/**
 * http(s)://host[:port] → ws(s)://host[:port]/socket.io/?EIO=4&transport=websocket
 * @param {string} baseUrl
 * @returns {string}
 */
export function socketUrl(baseUrl) {
  const base = baseUrl.replace(/\/+$/, '').replace(/^http/, 'ws')
  return `${base}/socket.io/?EIO=4&transport=websocket`
}

/**
 * Splits `<digits><json>` into the ack id (or null) and the parsed JSON (undefined when absent).
 * @param {string} body
 * @returns {[number | null, unknown]}
 */
export function splitId(body) {
  let i = 0
  while (i < body.length && body.charCodeAt(i) >= 48 && body.charCodeAt(i) <= 57) i++
  const id = i > 0 ? parseInt(body.slice(0, i), 10) : null
  return [id, body.length > i ? JSON.parse(body.slice(i)) : undefined]
}

/**
 * Socket.IO CONNECT to the default namespace with an auth payload.
 * @param {Record<string, unknown>} auth
 * @returns {string}
 */
export function encodeConnect(auth) {
  return '40' + JSON.stringify(auth)
}

/**
 * An EVENT frame; with an ack id the server answers with an ACK frame of the same id.
 * @param {string} event
 * @param {unknown} [data]
 * @param {number | null} [ackId]
 * @returns {string}
 */
export function encodeEvent(event, data, ackId = null) {
  return '42' + (ackId === null ? '' : String(ackId)) + JSON.stringify(data === undefined ? [event] : [event, data])
}

/**
 * The answer to a server ping (`2` → `3`, probe text echoed).
 * @param {string} probe
 * @returns {string}
 */
export function encodePong(probe = '') {
  return '3' + probe
}

/** Socket.IO DISCONNECT from the client. */
export const DISCONNECT = '41'

/**
 * Decodes one text frame. Malformed JSON throws (a server speaking this contract never sends it).
 * @param {string} data
 * @returns {Frame}
 */
export function decodeFrame(data) {
  const engineType = data[0]
  if (engineType === '2') return { kind: 'ping', probe: data.slice(1) }
  if (engineType === '0') return { kind: 'open', handshake: data.length > 1 ? JSON.parse(data.slice(1)) : {} }
  if (engineType === '1') return { kind: 'close' }
  if (engineType !== '4') return { kind: 'ignored', reason: `engine.io packet ${engineType}` } // 3 pong, 6 noop
  const sioType = data[1]
  const body = data.slice(2)
  switch (sioType) {
    case '0': {
      const payload = /** @type {{ sid?: string } | undefined} */ (body ? JSON.parse(body) : undefined)
      return { kind: 'connect', sid: payload && typeof payload.sid === 'string' ? payload.sid : null }
    }
    case '4': {
      const err = /** @type {{ message?: unknown, data?: unknown } | undefined} */ (body ? JSON.parse(body) : undefined)
      const message = err && typeof err.message === 'string' ? err.message : 'connect_error'
      return { kind: 'connect_error', error: err && err.data !== undefined ? { message, data: err.data } : { message } }
    }
    case '1':
      return { kind: 'disconnect' }
    case '2': {
      const [ackId, args] = splitId(body)
      if (!Array.isArray(args) || !args.length || typeof args[0] !== 'string') return { kind: 'ignored', reason: 'event without a name' }
      return { kind: 'event', name: args[0], args: args.slice(1), ackId }
    }
    case '3': {
      const [ackId, args] = splitId(body)
      if (ackId === null) return { kind: 'ignored', reason: 'ack without an id' }
      return { kind: 'ack', ackId, args: Array.isArray(args) ? args : [args] }
    }
    default:
      // Binary packets (5, 6) are not used by this server's contract.
      return { kind: 'ignored', reason: `socket.io packet ${sioType}` }
  }
}
