// A small Socket.IO v5 client (Engine.IO v4, websocket transport, text framing) for k6.
// k6 has no Socket.IO support, so this speaks the wire format directly over k6/websockets:
//   server → `0{sid,pingInterval,pingTimeout,maxPayload}`  Engine.IO open
//   client → `40{"token":"…"}`                             Socket.IO CONNECT with auth
//   server → `40{"sid":…}` | `44{"message":"UNAUTHENTICATED",…}`
//   events   `42["event",data]`, with ack id `42<id>["event",data]`, ack reply `43<id>[data]`
//   server ping `2` → client pong `3`; `41` = server-side disconnect; `1` = engine close.
import { WebSocket } from 'k6/websockets'
import { setTimeout, clearTimeout } from 'k6/timers'

/** http(s)://host[:port] → ws(s)://host[:port]/socket.io/?EIO=4&transport=websocket */
export function socketUrl(baseUrl) {
  const base = baseUrl.replace(/\/+$/, '').replace(/^http/, 'ws')
  return `${base}/socket.io/?EIO=4&transport=websocket`
}

/** Splits `<digits><json>` into [id|null, parsed json]. */
function splitId(body) {
  let i = 0
  while (i < body.length && body.charCodeAt(i) >= 48 && body.charCodeAt(i) <= 57) i++
  const id = i > 0 ? parseInt(body.slice(0, i), 10) : null
  return [id, body.length > i ? JSON.parse(body.slice(i)) : undefined]
}

/**
 * Opens a Socket.IO connection. `handlers` may hold:
 *   connect(sid), connect_error(err), disconnect(reason), error(err), and any server event name.
 * Options: { tags, ackTimeoutMs (default 10000), connectTimeoutMs (default 10000) }.
 * Returns { on, off, emit, emitWithAck, close, connected(), sid() }.
 */
export function connect(baseUrl, token, handlers = {}, options = {}) {
  const api = {}
  const listeners = {}
  const pendingAcks = {}
  const ackTimeoutMs = options.ackTimeoutMs ?? 10000
  let nextAckId = 0
  let isConnected = false
  let closed = false
  let sid = null
  let connectTimer = null

  const on = (event, fn) => {
    (listeners[event] = listeners[event] || []).push(fn)
    return api
  }
  const off = (event) => {
    delete listeners[event]
    return api
  }
  const fire = (event, ...args) => {
    const fns = listeners[event]
    if (!fns) return
    for (const fn of fns) {
      try {
        fn(...args)
      } catch (e) {
        console.error(`socketio handler for ${event} threw: ${e && e.stack ? e.stack : e}`)
      }
    }
  }
  for (const [event, fn] of Object.entries(handlers)) on(event, fn)

  const ws = new WebSocket(socketUrl(baseUrl), null, options.tags ? { tags: options.tags } : undefined)

  const failAllAcks = (reason) => {
    for (const id of Object.keys(pendingAcks)) {
      const pending = pendingAcks[id]
      delete pendingAcks[id]
      clearTimeout(pending.timer)
      pending.cb({ ok: false, error: { code: 'DISCONNECTED', message: reason } }, { timedOut: false, disconnected: true })
    }
  }

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

  connectTimer = setTimeout(() => {
    if (!isConnected && !closed) {
      finish('connect timeout')
      try { ws.close() } catch (_) { /* already closed */ }
    }
  }, options.connectTimeoutMs ?? 10000)

  ws.onmessage = (e) => {
    const data = typeof e.data === 'string' ? e.data : String(e.data)
    const engineType = data[0]
    if (engineType === '2') { // ping
      ws.send('3' + data.slice(1))
      return
    }
    if (engineType === '0') { // open: authenticate the default namespace
      ws.send('40' + JSON.stringify({ token }))
      return
    }
    if (engineType === '1') { // engine close
      finish('transport close')
      return
    }
    if (engineType !== '4') return // 3 pong, 6 noop
    const sioType = data[1]
    const body = data.slice(2)
    switch (sioType) {
      case '0': { // CONNECT
        const payload = body ? JSON.parse(body) : {}
        sid = payload.sid
        isConnected = true
        clearTimeout(connectTimer)
        fire('connect', sid)
        break
      }
      case '4': { // CONNECT_ERROR
        const err = body ? JSON.parse(body) : { message: 'connect_error' }
        clearTimeout(connectTimer)
        closed = true
        fire('connect_error', err)
        try { ws.close() } catch (_) { /* ignore */ }
        break
      }
      case '1': // DISCONNECT from server
        finish('io server disconnect')
        try { ws.close() } catch (_) { /* ignore */ }
        break
      case '2': { // EVENT
        const [, args] = splitId(body)
        if (Array.isArray(args) && args.length) fire(args[0], ...args.slice(1))
        break
      }
      case '3': { // ACK
        const [id, args] = splitId(body)
        const pending = pendingAcks[id]
        if (!pending) return
        delete pendingAcks[id]
        clearTimeout(pending.timer)
        pending.cb(Array.isArray(args) ? args[0] : args, { timedOut: false })
        break
      }
      default:
        // binary packets are not used by this server's contract
        break
    }
  }
  ws.onclose = () => finish('transport close')
  ws.onerror = (e) => {
    fire('error', e && e.error ? e.error : e)
    finish('transport error')
  }

  const send = (frame) => {
    if (closed) return false
    ws.send(frame)
    return true
  }

  const emit = (event, data) => send('42' + JSON.stringify(data === undefined ? [event] : [event, data]))

  /**
   * Emits with an ack id; cb(reply, meta) is called once with the server's first ack argument,
   * or with { ok:false, error:{code:'ACK_TIMEOUT'|'DISCONNECTED'} } and meta.timedOut/meta.disconnected.
   */
  const emitWithAck = (event, data, cb, timeoutMs = ackTimeoutMs) => {
    const id = nextAckId++
    const timer = setTimeout(() => {
      if (!pendingAcks[id]) return
      delete pendingAcks[id]
      cb({ ok: false, error: { code: 'ACK_TIMEOUT', message: `no ack for ${event} within ${timeoutMs} ms` } }, { timedOut: true })
    }, timeoutMs)
    pendingAcks[id] = { cb, timer }
    if (!send('42' + id + JSON.stringify([event, data]))) {
      clearTimeout(timer)
      delete pendingAcks[id]
      cb({ ok: false, error: { code: 'DISCONNECTED', message: 'socket is closed' } }, { disconnected: true })
    }
  }

  /** Client disconnect; { abrupt: true } drops the transport without a Socket.IO DISCONNECT (like a network loss). */
  const close = ({ abrupt = false } = {}) => {
    if (closed) return
    if (isConnected && !abrupt) {
      try { ws.send('41') } catch (_) { /* ignore */ }
    }
    finish('io client disconnect')
    try { ws.close() } catch (_) { /* ignore */ }
  }

  return Object.assign(api, {
    on,
    off,
    emit,
    emitWithAck,
    close,
    connected: () => isConnected,
    sid: () => sid
  })
}
