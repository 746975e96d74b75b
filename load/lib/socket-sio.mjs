// The same client surface as socket-ws.mjs on socket.io-client (LOAD_TRANSPORT=socket.io-client):
// kept to compare the two (bench/client-cost.mjs) and as a second opinion when a run looks odd.
import { io } from 'socket.io-client'

/** @typedef {import('./socket-ws.mjs').SocketClient} SocketClient */
/** @typedef {import('./socket-ws.mjs').Listener} Listener */

/**
 * @param {string} baseUrl
 * @param {string} token
 * @param {Record<string, Listener | undefined>} [handlers]
 * @param {{ ackTimeoutMs?: number, connectTimeoutMs?: number }} [options]
 * @returns {SocketClient}
 */
export function connect(baseUrl, token, handlers = {}, options = {}) {
  const ackTimeoutMs = options.ackTimeoutMs ?? 10000
  // The driver decides when to reconnect (with a fresh token and a sync), as in k6.
  const socket = io(baseUrl, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: options.connectTimeoutMs ?? 10000 })
  let closedByUs = false
  /** @type {SocketClient} */
  const api = {
    on(event, fn) {
      if (event === 'connect') socket.on('connect', () => fn(socket.id ?? null))
      else if (event === 'connect_error') socket.on('connect_error', (/** @type {Error} */ e) => fn({ message: e.message }))
      else if (event === 'disconnect') socket.on('disconnect', (/** @type {string} */ reason) => { if (!closedByUs) fn(reason) })
      else socket.on(event, fn)
      return api
    },
    emit: (event, data) => {
      if (!socket.connected) return false
      socket.emit(event, data)
      return true
    },
    emitWithAck(event, data, cb, timeoutMs = ackTimeoutMs) {
      if (!socket.connected) {
        cb({ ok: false, error: { code: 'DISCONNECTED', message: 'socket is closed' } }, { disconnected: true })
        return
      }
      socket.timeout(timeoutMs).emit(event, data, (/** @type {Error | null} */ err, /** @type {any} */ reply) => {
        if (err) cb({ ok: false, error: { code: socket.connected ? 'ACK_TIMEOUT' : 'DISCONNECTED', message: err.message } }, { timedOut: socket.connected })
        else cb(reply, { timedOut: false })
      })
    },
    close({ abrupt = false } = {}) {
      closedByUs = true
      if (abrupt) socket.io.engine?.close()
      socket.disconnect()
    },
    connected: () => socket.connected
  }
  for (const [event, fn] of Object.entries(handlers)) if (fn) api.on(event, fn)
  return api
}
