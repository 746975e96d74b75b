// A Socket.IO v5 client on `ws` + `socket.io-parser`: the driver's default transport, chosen
// because it costs less CPU per message than socket.io-client (see BENCHMARKS.md, "load driver").
// Same surface as the k6 suite's client (k6/lib/socketio.js), so sessions are written once.
import WebSocket from 'ws'
import { Decoder, Encoder, PacketType } from 'socket.io-parser'
import { socketUrl } from '../../k6/lib/engineio.js'

/** @typedef {{ ok: boolean, error?: { code: string, message?: string, details?: unknown }, [key: string]: unknown }} AckReply */
/** @typedef {{ timedOut?: boolean, disconnected?: boolean }} AckMeta */
/** @typedef {(reply: AckReply, meta: AckMeta) => void} AckCallback */
/** @typedef {(...args: any[]) => void} Listener */
/**
 * @typedef {object} SocketClient
 * @property {(event: string, fn: Listener) => SocketClient} on
 * @property {(event: string, data?: unknown) => boolean} emit
 * @property {(event: string, data: unknown, cb: AckCallback, timeoutMs?: number) => void} emitWithAck
 * @property {(options?: { abrupt?: boolean }) => void} close
 * @property {() => boolean} connected
 */

const encoder = new Encoder()

/**
 * Opens a Socket.IO connection (websocket transport only, like a browser after the upgrade).
 * Handlers: connect, connect_error({ message }), disconnect(reason) and any server event name.
 * @param {string} baseUrl
 * @param {string} token
 * @param {Record<string, Listener | undefined>} [handlers]
 * @param {{ ackTimeoutMs?: number, connectTimeoutMs?: number }} [options]
 * @returns {SocketClient}
 */
export function connect(baseUrl, token, handlers = {}, options = {}) {
  /** @type {Map<string, Listener[]>} */
  const listeners = new Map()
  /** @type {Map<number, { cb: AckCallback, timer: NodeJS.Timeout }>} */
  const pending = new Map()
  const ackTimeoutMs = options.ackTimeoutMs ?? 10000
  let nextId = 0
  let isConnected = false
  let closed = false
  const decoder = new Decoder()

  /** @param {string} event @param {unknown[]} args */
  const fire = (event, args) => {
    const fns = listeners.get(event)
    if (fns) for (const fn of fns) fn(...args)
  }

  const ws = new WebSocket(socketUrl(baseUrl), { perMessageDeflate: false, handshakeTimeout: options.connectTimeoutMs ?? 10000 })

  /** @param {string} reason */
  const finish = (reason) => {
    if (closed) return
    closed = true
    clearTimeout(connectTimer)
    const was = isConnected
    isConnected = false
    for (const [id, p] of pending) {
      pending.delete(id)
      clearTimeout(p.timer)
      p.cb({ ok: false, error: { code: 'DISCONNECTED', message: reason } }, { disconnected: true })
    }
    if (was) fire('disconnect', [reason])
    else fire('connect_error', [{ message: reason }])
  }
  const connectTimer = setTimeout(() => {
    if (!isConnected) {
      finish('connect timeout')
      ws.terminate()
    }
  }, options.connectTimeoutMs ?? 10000)

  /** @param {string} text */
  const sendPacket = (text) => {
    if (closed || ws.readyState !== WebSocket.OPEN) return false
    ws.send(text)
    return true
  }

  decoder.on('decoded', (/** @type {{ type: number, data?: any, id?: number }} */ packet) => {
    switch (packet.type) {
      case PacketType.CONNECT:
        isConnected = true
        clearTimeout(connectTimer)
        fire('connect', [packet.data?.sid ?? null])
        break
      case PacketType.CONNECT_ERROR:
        clearTimeout(connectTimer)
        closed = true
        fire('connect_error', [packet.data ?? { message: 'connect_error' }])
        ws.terminate()
        break
      case PacketType.DISCONNECT:
        finish('io server disconnect')
        ws.terminate()
        break
      case PacketType.EVENT:
        if (Array.isArray(packet.data)) fire(packet.data[0], packet.data.slice(1))
        break
      case PacketType.ACK: {
        const p = packet.id === undefined ? undefined : pending.get(packet.id)
        if (!p || packet.id === undefined) return
        pending.delete(packet.id)
        clearTimeout(p.timer)
        p.cb(packet.data?.[0], { timedOut: false })
        break
      }
    }
  })

  ws.on('message', (/** @type {Buffer} */ raw, /** @type {boolean} */ isBinary) => {
    if (isBinary) return // the contract has no binary packets
    const text = raw.toString()
    switch (text[0]) {
      case '0': // Engine.IO open → Socket.IO CONNECT with the token
        sendPacket('4' + encoder.encode({ type: PacketType.CONNECT, nsp: '/', data: { token } })[0])
        break
      case '2': // ping
        sendPacket('3' + text.slice(1))
        break
      case '1':
        finish('transport close')
        break
      case '4':
        try {
          decoder.add(text.slice(1))
        } catch (error) {
          fire('error', [error])
        }
        break
    }
  })
  ws.on('close', () => finish('transport close'))
  ws.on('error', (error) => {
    fire('error', [error])
    finish('transport error')
  })

  /** @type {SocketClient} */
  const api = {
    on(event, fn) {
      const fns = listeners.get(event)
      if (fns) fns.push(fn)
      else listeners.set(event, [fn])
      return api
    },
    emit: (event, data) => sendPacket('4' + encoder.encode({ type: PacketType.EVENT, nsp: '/', data: data === undefined ? [event] : [event, data] })[0]),
    emitWithAck(event, data, cb, timeoutMs = ackTimeoutMs) {
      const id = nextId++
      const timer = setTimeout(() => {
        if (!pending.delete(id)) return
        cb({ ok: false, error: { code: 'ACK_TIMEOUT', message: `no ack for ${event} within ${timeoutMs} ms` } }, { timedOut: true })
      }, timeoutMs)
      pending.set(id, { cb, timer })
      if (!sendPacket('4' + encoder.encode({ type: PacketType.EVENT, nsp: '/', data: [event, data], id })[0])) {
        clearTimeout(timer)
        pending.delete(id)
        cb({ ok: false, error: { code: 'DISCONNECTED', message: 'socket is closed' } }, { disconnected: true })
      }
    },
    close({ abrupt = false } = {}) {
      if (closed) return
      if (isConnected && !abrupt) sendPacket('41')
      finish('io client disconnect')
      if (abrupt) ws.terminate()
      else ws.close()
    },
    connected: () => isConnected
  }
  for (const [event, fn] of Object.entries(handlers)) if (fn) api.on(event, fn)
  return api
}
