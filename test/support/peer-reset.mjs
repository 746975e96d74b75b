// Clients that vanish mid-request, the way a reloaded tab or a dropped network does: a raw TCP
// connection writes part of a request and then resets (RST) instead of closing. Plain ESM so the
// integration test and scripts/dev-peer-reset.mjs share it.
import { connect } from 'node:net'

const WS_PATH = '/socket.io/?EIO=4&transport=websocket'
const POLL_PATH = '/socket.io/?EIO=4&transport=polling'

/** The request line and headers of an HTTP/1.1 request, up to and including the blank line. */
function head(method, path, host, headers = {}) {
  const lines = [`${method} ${path} HTTP/1.1`, `Host: ${host}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)]
  return lines.join('\r\n') + '\r\n\r\n'
}

function upgradeHead(host, path = WS_PATH) {
  return head('GET', path, host, {
    'Upgrade': 'websocket',
    'Connection': 'Upgrade',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version': '13'
  })
}

function postHead(host, path, length, type = 'application/json') {
  return head('POST', path, host, { 'Content-Type': type, 'Content-Length': String(length) })
}

/**
 * Connects, writes `bytes`, then resets the connection after `afterMs`, or as soon as the server's
 * answer contains `until` (a timeout still resets it). Resolves with what the server sent.
 * @param {URL} url
 * @param {string | Buffer} bytes
 * @param {{ afterMs?: number, until?: string, timeoutMs?: number }} [options]
 * @returns {Promise<string>}
 */
export function writeThenReset(url, bytes, { afterMs = 1, until, timeoutMs = 5000 } = {}) {
  return new Promise((resolve) => {
    let received = ''
    let done = false
    const socket = connect(Number(url.port), url.hostname)
    const finish = () => {
      if (done) return
      done = true
      clearTimeout(timer)
      if (!socket.destroyed) socket.resetAndDestroy()
      resolve(received)
    }
    const timer = setTimeout(finish, until ? timeoutMs : afterMs + timeoutMs)
    socket.on('error', finish)
    socket.on('close', finish)
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1')
      if (until && received.includes(until)) finish()
    })
    socket.once('connect', () => {
      socket.write(bytes)
      if (!until) setTimeout(finish, afterMs)
    })
  })
}

/** An Engine.IO polling session id from a real handshake. */
async function engineSid(base) {
  const text = await fetch(new URL(POLL_PATH, base)).then(r => r.text())
  return /** @type {{ sid: string }} */ (JSON.parse(text.slice(1))).sid
}

/** A client-to-server websocket text frame (masked with a zero key), cut to `keep` bytes. */
function maskedFrame(text, keep) {
  const payload = Buffer.from(text)
  const frame = Buffer.concat([Buffer.from([0x81, 0x80 | payload.length, 0, 0, 0, 0]), payload])
  return frame.subarray(0, keep ?? frame.length)
}

/**
 * Every way a peer can vanish that the chat's transports meet, by name: the websocket upgrade
 * (before, during and after the 101), the polling handshake and a polling POST, and a JSON POST
 * to the login route. Each resolves once the connection has been reset.
 * @type {Record<string, (base: URL) => Promise<unknown>>}
 */
export const PEER_RESETS = {
  'upgrade, reset 1 ms after the request': base => writeThenReset(base, upgradeHead(base.host), { afterMs: 1 }),
  'upgrade, reset at once': base => writeThenReset(base, upgradeHead(base.host), { afterMs: 0 }),
  'upgrade, reset inside the request headers': base => writeThenReset(base, upgradeHead(base.host).slice(0, 60), { afterMs: 1 }),
  'upgrade, reset after the 101': base => writeThenReset(base, upgradeHead(base.host), { until: '\r\n\r\n' }),
  'websocket, reset inside a frame': async (base) => {
    const sid = await engineSid(base)
    await writeThenReset(base, Buffer.concat([Buffer.from(upgradeHead(base.host, `${WS_PATH}&sid=${sid}`)), maskedFrame('2probe', 4)]), { until: '\r\n\r\n' })
  },
  'polling handshake, reset 1 ms after the request': base => writeThenReset(base, head('GET', POLL_PATH, base.host), { afterMs: 1 }),
  'polling POST, reset inside the body': async (base) => {
    const sid = await engineSid(base)
    await writeThenReset(base, postHead(base.host, `${POLL_PATH}&sid=${sid}`, 1000, 'text/plain;charset=UTF-8') + '40{"token":', { afterMs: 5 })
  },
  'login POST, reset inside the body': base => writeThenReset(base, postHead(base.host, '/api/auth/local/login', 200) + '{"email":"a@example.com",', { afterMs: 5 })
}
