// One member's realtime session: a Socket.IO connection with the tracker wired to it, sends with
// ack timing, reconnects with sync, and a final audit before closing.
import { check, sleep } from 'k6'
import exec from 'k6/execution'
import { setTimeout, setInterval, clearInterval } from 'k6/timers'
import { connect } from './socketio.js'
import { client, login } from './api.js'
import { createTracker } from './tracker.js'
import { meta } from './fixture.js'
import * as M from './metrics.js'

/** @param {number} ms @returns {Promise<void>} */
export const sleepMs = ms => new Promise(resolve => setTimeout(resolve, Math.max(0, ms)))

const ACK_TIMEOUT_MS = Number(__ENV.ACK_TIMEOUT_MS || 10000)
const DRAIN_MS = Number(__ENV.DRAIN_MS || 3000)

/** When the running scenario ends (ms since epoch), from its start time and planned duration. @param {import('./types.js').Durations} durations */
export function scenarioEndMs(durations) {
  const d = durations[exec.scenario.name]
  return exec.scenario.startTime + (d === undefined ? 60 : d) * 1000
}

/** How long a session may last so that it drains and audits before its scenario ends. @param {number} sessionS @param {import('./types.js').Durations} durations */
export function sessionLengthMs(sessionS, durations) {
  return Math.min(sessionS * 1000, scenarioEndMs(durations) - Date.now() - DRAIN_MS - 2000)
}

/**
 * Opens a session for one iteration lasting up to `sessionS`. Returns null (after backing off)
 * when the scenario is about to end or the connection fails, so the caller just returns.
 * @param {number} sessionS
 * @param {import('./types.js').Durations} durations
 * @param {import('./types.js').Identity} id
 * @returns {Promise<{ session: ChatSession, lengthMs: number } | null>}
 */
export async function openSession(sessionS, durations, id) {
  const lengthMs = sessionLengthMs(sessionS, durations)
  if (lengthMs < 5000) {
    sleep(Math.max(0.1, lengthMs / 1000 + 5))
    return null
  }
  const session = new ChatSession(id)
  if (!(await session.open())) {
    sleep(2)
    return null
  }
  return { session, lengthMs }
}

const WORDS = ('deploy release invoice roadmap budget meeting standup design review bugfix hotfix sprint backlog '
  + 'customer onboarding migration database latency dashboard incident postmortem alpha bravo charlie delta echo').split(' ')

/** Message text: a tag with the send timestamp (read by receivers for chat_deliver_ms), then words. @param {string} tag @param {number} sentAt */
export function makeContent(tag, sentAt) {
  const count = 3 + Math.floor(Math.random() * 25)
  const words = []
  for (let i = 0; i < count; i++) words.push(WORDS[Math.floor(Math.random() * WORDS.length)])
  let text = `[k6 ${tag} t=${sentAt}] ${words.join(' ')}`
  const r = Math.random()
  if (r < 0.02) text += '\n```js\nconst answer = 42\nconsole.log(answer)\n```'
  else if (r < 0.1) text += ' **bold** and `code`'
  return text
}

/** @typedef {import('./socketio.js').AckReply} AckReply */
/** @typedef {import('./types.js').Message} Message */
/** @typedef {{ clientId: string, content: string, message: Message }} SentMessage */

/**
 * The message of an ok ack that carries one (message:send, message:edit), else null.
 * @param {AckReply} reply
 * @returns {Message | null}
 */
function sendAckMessage(reply) {
  if (!reply || reply.ok !== true) return null
  const m = /** @type {Message | undefined} */ (reply.message)
  return m && typeof m.id === 'string' ? m : null
}

export class ChatSession {
  /** @param {import('./types.js').Identity} id from fixture.identity() */
  constructor(id) {
    this.id = id
    this.rest = client(id.baseUrl, id.token)
    this.tracker = createTracker({ userId: id.user.id, label: `vu${id.vuId}` })
    /** @type {import('./socketio.js').SocketClient | null} */
    this.sock = null
    /** @type {{ message: string } | null} */
    this.connectError = null
    this.active = false
    this.outstanding = 0
    this.sendCount = 0
    /** @type {import('k6/timers').IntervalID | null} */
    this.gapTimer = null
    this.reconnecting = false
    this.logged = 0
    /** The ack function the tracker's sync pages with. @type {import('./ledger.js').SyncAck} */
    this.syncAck = (event, data) => /** @type {Promise<import('./ledger.js').SyncReply>} */ (this.ack(event, data))
  }

  /** @param {string} msg */
  log(msg) {
    if (this.logged++ < 5) console.warn(`[vu${this.id.vuId} ${this.id.user.email}] ${msg}`)
  }

  /**
   * Promise of the first ack argument (or { ok:false, error } on timeout / disconnect).
   * @param {string} event @param {unknown} data @param {number} [timeoutMs]
   * @returns {Promise<AckReply>}
   */
  ack(event, data, timeoutMs = ACK_TIMEOUT_MS) {
    return new Promise((resolve) => {
      const sock = this.sock
      if (!sock || !sock.connected()) {
        resolve({ ok: false, error: { code: 'DISCONNECTED', message: 'not connected' } })
        return
      }
      sock.emitWithAck(event, data, reply => resolve(reply), timeoutMs)
    })
  }

  /** @returns {Promise<boolean>} */
  connectSocket() {
    const started = Date.now()
    return new Promise((resolve) => {
      const sock = connect(this.id.baseUrl, this.id.token, {
        'connect': () => {
          M.connectTime.add(Date.now() - started)
          resolve(true)
        },
        'connect_error': (err) => {
          this.connectError = err
          resolve(false)
        },
        'disconnect': reason => this.onDisconnect(sock, reason),
        'message:new': /** @param {{ message: Message }} p */ p => this.tracker.onNew(p.message),
        'message:updated': /** @param {{ message: Message }} p */ p => this.tracker.onUpdated(p.message),
        'message:deleted': /** @param {{ conversationId: string, updatedSeq: number }} p */ p => this.tracker.onDeleted(p)
      }, { ackTimeoutMs: ACK_TIMEOUT_MS })
      this.sock = sock
    })
  }

  /** Connects (re-signing in once on UNAUTHENTICATED), with a few backed-off retries. */
  async connectWithRetry(attempts = 4) {
    for (let i = 0; i < attempts; i++) {
      if (await this.connectSocket()) return true
      const err = this.connectError || { message: 'unknown' }
      this.log(`connect failed: ${JSON.stringify(err)}`)
      if (err.message === 'UNAUTHENTICATED') {
        this.id.token = login(this.id.baseUrl, this.id.user.email, meta().password).accessToken
        this.rest = client(this.id.baseUrl, this.id.token)
      }
      await sleepMs(300 * 2 ** i + Math.random() * 300)
    }
    return false
  }

  /** @param {import('./socketio.js').SocketClient} sock @param {string} reason */
  onDisconnect(sock, reason) {
    if (sock !== this.sock || reason === 'io client disconnect') return
    M.unexpectedDisconnects.add(1)
    M.errors.add(true)
    this.log(`socket dropped: ${reason}`)
    if (this.active && !this.reconnecting) {
      setTimeout(() => {
        if (this.active && !this.reconnecting) this.reconnect({ abrupt: true, measure: false })
      }, 500 + Math.random() * 500)
    }
  }

  /** Connects and takes the cursor baseline of every conversation of the user in the project. */
  async open() {
    this.active = true
    const connected = await this.connectWithRetry()
    check(connected, { 'socket connected': c => c })
    M.errors.add(!connected)
    if (!connected) {
      this.active = false
      return false
    }
    const r = this.rest.conversations(this.id.projectId)
    const ok = r.status === 200 && !!r.body && Array.isArray(r.body.conversations)
    check(r, { 'conversations listed': () => ok })
    M.errors.add(!ok)
    if (ok && r.body) for (const c of r.body.conversations) this.tracker.setBaseline(c.id, c.lastSeq)
    else this.log(`GET conversations: ${r.status} ${String(r.res.body).slice(0, 200)}`)
    this.gapTimer = setInterval(() => this.checkGaps(), 1000)
    return true
  }

  checkGaps() {
    if (!this.sock || !this.sock.connected() || this.reconnecting) return
    const ids = this.tracker.staleHoles()
    if (ids.length) this.tracker.sync(this.syncAck, ids, 'gap')
  }

  /** Drops the socket and reconnects, then syncs every conversation; records chat_reconnect_ms. */
  async reconnect({ abrupt = true, measure = true } = {}) {
    if (this.reconnecting) return false
    this.reconnecting = true
    const started = Date.now()
    try {
      const old = this.sock
      if (old) old.close({ abrupt })
      const connected = await this.connectWithRetry(6)
      check(connected, { 'socket reconnected': c => c })
      M.errors.add(!connected)
      if (!connected) return false
      const synced = await this.tracker.sync(this.syncAck, this.tracker.conversations(), 'reconnect')
      if (synced && measure) M.reconnect.add(Date.now() - started)
      return synced
    } finally {
      this.reconnecting = false
    }
  }

  /**
   * message:send with a fresh clientId; resolves { clientId, message } or null. Records
   * chat_send_ack_ms and chat_messages_sent for acknowledged sends.
   * @param {string} conversationId
   * @returns {Promise<SentMessage | null>}
   */
  async send(conversationId) {
    const clientId = crypto.randomUUID()
    const sentAt = Date.now()
    const content = makeContent(`${this.id.vuId}.${++this.sendCount}`, sentAt)
    this.outstanding++
    const reply = await this.ack('message:send', { clientId, conversationId, content })
    this.outstanding--
    const ms = Date.now() - sentAt
    const message = sendAckMessage(reply)
    const ok = !!(message && message.conversationId === conversationId && reply.duplicate === false)
    check(reply, { 'message:send acked ok': () => ok })
    M.errors.add(!ok)
    if (!ok || !message) {
      this.log(`message:send failed after ${ms} ms: ${JSON.stringify(reply && reply.error)}`)
      return null
    }
    M.sendAck.add(ms)
    M.sent.add(1)
    return { clientId, content, message }
  }

  /** A retry with the same clientId must return the original message, flagged duplicate. @param {SentMessage} original */
  async retrySend(original) {
    const reply = await this.ack('message:send', { clientId: original.clientId, conversationId: original.message.conversationId, content: original.content })
    const message = sendAckMessage(reply)
    const ok = !!(message && reply.duplicate === true && message.id === original.message.id)
    check(reply, { 'retry with same clientId returns the original': () => ok })
    M.errors.add(!ok)
    if (!ok) this.log(`idempotent retry: ${JSON.stringify(reply).slice(0, 300)}`)
  }

  /** @param {Message} message */
  async edit(message) {
    const reply = await this.ack('message:edit', { messageId: message.id, content: `${message.content} (edited)` })
    const edited = sendAckMessage(reply)
    const ok = !!(edited && edited.updatedSeq > message.updatedSeq)
    check(reply, { 'message:edit ok': () => ok })
    M.errors.add(!ok)
    if (!ok) this.log(`message:edit: ${JSON.stringify(reply).slice(0, 300)}`)
  }

  /** @param {Message} message */
  async remove(message) {
    const reply = await this.ack('message:delete', { messageId: message.id })
    const ok = !!(reply && reply.ok === true)
    check(reply, { 'message:delete ok': () => ok })
    M.errors.add(!ok)
    if (!ok) this.log(`message:delete: ${JSON.stringify(reply).slice(0, 300)}`)
  }

  /** Waits for outstanding acks, lets deliveries drain, syncs every conversation once more, closes. */
  async close() {
    const waitUntil = Date.now() + ACK_TIMEOUT_MS
    while (this.outstanding > 0 && Date.now() < waitUntil) await sleepMs(100)
    await sleepMs(DRAIN_MS)
    while (this.reconnecting) await sleepMs(100)
    if (this.sock && this.sock.connected()) {
      await this.tracker.sync(this.syncAck, this.tracker.conversations(), 'final')
    }
    this.active = false
    if (this.gapTimer) clearInterval(this.gapTimer)
    M.lost.add(0)
    M.duplicates.add(0)
    if (this.sock) this.sock.close()
  }
}

/**
 * Wraps a scenario's async body: an exception counts as an error and is logged, and the VU
 * pauses a moment so a broken iteration cannot spin.
 * @param {string} name
 * @param {(data: import('./types.js').SetupData) => Promise<void>} body
 * @returns {(data: import('./types.js').SetupData) => Promise<void>}
 */
export function guarded(name, body) {
  return async function (data) {
    try {
      await body(data)
    } catch (error) {
      M.errors.add(true)
      console.error(`[${name}] ${error instanceof Error && error.stack ? error.stack : error}`)
      await sleepMs(1000)
    }
  }
}
