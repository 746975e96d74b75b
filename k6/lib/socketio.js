// A small Socket.IO v5 client (Engine.IO v4, websocket transport, text framing) for k6.
// k6 has no Socket.IO support, so this speaks the wire format (lib/engineio.js) over k6/websockets.
import { WebSocket } from 'k6/websockets'
import { setTimeout, clearTimeout } from 'k6/timers'
import { DISCONNECT, decodeFrame, encodeConnect, encodeEvent, encodePong, socketUrl } from './engineio.js'

export { socketUrl }

/** @typedef {{ ok: boolean, error?: { code: string, message?: string, details?: unknown }, [key: string]: unknown }} AckReply */
/** @typedef {{ timedOut?: boolean, disconnected?: boolean }} AckMeta */
/** @typedef {(reply: AckReply, meta: AckMeta) => void} AckCallback */
/** @typedef {(...args: any[]) => void} Listener */
/**
 * @typedef {object} SocketHandlers
 * @property {(sid: string | null) => void} [connect]
 * @property {(err: { message: string, data?: unknown }) => void} [connect_error]
 * @property {(reason: string) => void} [disconnect]
 * @property {(err: unknown) => void} [error]
 */
/**
 * @typedef {object} SocketOptions
 * @property {Record<string, string>} [tags]
 * @property {number} [ackTimeoutMs] default 10000
 * @property {number} [connectTimeoutMs] default 10000
 */
/**
 * @typedef {object} SocketClient
 * @property {(event: string, fn: Listener) => SocketClient} on
 * @property {(event: string) => SocketClient} off
 * @property {(event: string, data?: unknown) => boolean} emit
 * @property {(event: string, data: unknown, cb: AckCallback, timeoutMs?: number) => void} emitWithAck
 * @property {(options?: { abrupt?: boolean }) => void} close
 * @property {() => boolean} connected
 * @property {() => string | null} sid
 */

/**
 * Opens a Socket.IO connection. `handlers` may hold connect, connect_error, disconnect, error and
 * any server event name (called with the event's arguments).
 * @param {string} baseUrl
 * @param {string} token
 * @param {SocketHandlers & Record<string, Listener | undefined>} [handlers]
 * @param {SocketOptions} [options]
 * @returns {SocketClient}
 */
export function connect(baseUrl, token, handlers = {}, options = {}) {
  /** @type {Record<string, Listener[]>} */
  const listeners = {}
  /** @type {Map<number, { cb: AckCallback, timer: import('k6/timers').TimeoutID }>} */
  const pendingAcks = new Map()
  const ackTimeoutMs = options.ackTimeoutMs ?? 10000
  let nextAckId = 0
  let isConnected = false
  let closed = false
  /** @type {string | null} */
  let sid = null

  /** @type {(event: string, ...args: unknown[]) => void} */
  const fire = (event, ...args) => {
    const fns = listeners[event]
    if (!fns) return
    for (const fn of fns) {
      try {
        fn(...args)
      } catch (e) {
        console.error(`socketio handler for ${event} threw: ${e instanceof Error && e.stack ? e.stack : e}`)
      }
    }
  }

  const ws = new WebSocket(socketUrl(baseUrl), null, options.tags ? { tags: options.tags } : undefined)

  /** @param {string} reason */
  const failAllAcks = (reason) => {
    for (const [id, pending] of pendingAcks) {
      pendingAcks.delete(id)
      clearTimeout(pending.timer)
      pending.cb({ ok: false, error: { code: 'DISCONNECTED', message: reason } }, { timedOut: false, disconnected: true })
    }
  }

  /** @param {string} reason */
  const finish = (reason) => {
    if (closed) return
    closed = true
    clearTimeout(connectTimer)
    const wasConnected = isConnected
    isConnected = false
    failAllAcks(reason)
    if (wasConnected) fire('disconnect', reason)
    else fire('connect_error', { message: reason })
  }

  const closeQuietly = () => {
    try { ws.close() } catch (_) { /* already closed */ }
  }

  const connectTimer = setTimeout(() => {
    if (!isConnected && !closed) {
      finish('connect timeout')
      closeQuietly()
    }
  }, options.connectTimeoutMs ?? 10000)

  ws.onmessage = (e) => {
    if (!e) return
    const frame = decodeFrame(typeof e.data === 'string' ? e.data : String(e.data))
    switch (frame.kind) {
      case 'ping':
        ws.send(encodePong(frame.probe))
        break
      case 'open': // authenticate the default namespace
        ws.send(encodeConnect({ token }))
        break
      case 'close':
        finish('transport close')
        break
      case 'connect':
        sid = frame.sid
        isConnected = true
        clearTimeout(connectTimer)
        fire('connect', sid)
        break
      case 'connect_error':
        clearTimeout(connectTimer)
        closed = true
        fire('connect_error', frame.error)
        closeQuietly()
        break
      case 'disconnect':
        finish('io server disconnect')
        closeQuietly()
        break
      case 'event':
        fire(frame.name, ...frame.args)
        break
      case 'ack': {
        const pending = pendingAcks.get(frame.ackId)
        if (!pending) return
        pendingAcks.delete(frame.ackId)
        clearTimeout(pending.timer)
        pending.cb(/** @type {AckReply} */ (frame.args[0]), { timedOut: false })
        break
      }
      case 'ignored':
        break
    }
  }
  ws.onclose = () => finish('transport close')
  ws.onerror = (e) => {
    fire('error', e ? e.error : e)
    finish('transport error')
  }

  /** @param {string} frame */
  const send = (frame) => {
    if (closed) return false
    ws.send(frame)
    return true
  }

  /** @type {SocketClient} */
  const api = {
    on(event, fn) {
      (listeners[event] = listeners[event] || []).push(fn)
      return api
    },
    off(event) {
      delete listeners[event]
      return api
    },
    emit: (event, data) => send(encodeEvent(event, data)),
    /**
     * Emits with an ack id; cb(reply, meta) is called once with the server's first ack argument,
     * or with { ok:false, error:{code:'ACK_TIMEOUT'|'DISCONNECTED'} } and meta.timedOut/meta.disconnected.
     */
    emitWithAck(event, data, cb, timeoutMs = ackTimeoutMs) {
      const id = nextAckId++
      const timer = setTimeout(() => {
        if (!pendingAcks.has(id)) return
        pendingAcks.delete(id)
        cb({ ok: false, error: { code: 'ACK_TIMEOUT', message: `no ack for ${event} within ${timeoutMs} ms` } }, { timedOut: true })
      }, timeoutMs)
      pendingAcks.set(id, { cb, timer })
      if (!send(encodeEvent(event, data, id))) {
        clearTimeout(timer)
        pendingAcks.delete(id)
        cb({ ok: false, error: { code: 'DISCONNECTED', message: 'socket is closed' } }, { disconnected: true })
      }
    },
    /** Client disconnect; { abrupt: true } drops the transport without a Socket.IO DISCONNECT (like a network loss). */
    close({ abrupt = false } = {}) {
      if (closed) return
      if (isConnected && !abrupt) {
        try { ws.send(DISCONNECT) } catch (_) { /* ignore */ }
      }
      finish('io client disconnect')
      closeQuietly()
    },
    connected: () => isConnected,
    sid: () => sid
  }
  for (const [event, fn] of Object.entries(handlers)) if (fn) api.on(event, fn)
  return api
}
