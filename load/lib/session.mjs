// One member's realtime session in the Node driver: a socket with the shared ledger
// (k6/lib/ledger.js) wired to it, sends that survive a dead instance (the unacked ones are resent
// with their clientId after reconnecting elsewhere), reconnect + sync, token refresh, and the
// final audit. The k6 suite's ChatSession (k6/lib/session.js) does the same inside k6.
import { randomUUID } from 'node:crypto'
import { createLedger } from '../../k6/lib/ledger.js'
import { login, jwtExpMs, request } from './rest.mjs'

/** @typedef {import('./metrics.mjs').Metrics} Metrics */
/** @typedef {import('./socket-ws.mjs').SocketClient} SocketClient */
/** @typedef {import('./socket-ws.mjs').AckReply} AckReply */
/** @typedef {import('./audit.mjs').AckedMessage} AckedMessage */
/** @typedef {{ id: string, conversationId: string, seq: number, updatedSeq: number, clientId: string, senderId: string, content: string, createdAt: string }} Message */
/** @typedef {{ conversationId: string, clientId: string, content: string, firstSentAt: number, attempts: number, inFlight: boolean, resolve: (m: Message | null) => void }} Outgoing */
/**
 * @typedef {object} SessionOptions
 * @property {string} label
 * @property {{ id: string, email: string, token: string | null, tokenExp: number }} user
 * @property {string} password
 * @property {string} projectId
 * @property {string[]} instances
 * @property {number} home                      index of the instance this member talks to first
 * @property {Metrics} metrics
 * @property {typeof import('./socket-ws.mjs').connect} connect
 * @property {{ ackTimeoutMs: number, drainMs: number, gapGraceMs: number, refreshTokens: boolean, selftestDrop: number, selftestHide: number, audit: boolean }} settings
 *   audit false: no REST and no sync:request (a bare Socket.IO server for benchmarks has neither);
 *   baselines are 0 for the user's fixture rooms and only real-time delivery is audited
 * @property {string[]} rooms                   the user's conversations in the fixture
 * @property {(msg: string) => void} log
 * @property {(reply: SendReply) => void} [onSendReply]   sees every message:send attempt's answer (load/fault.mjs)
 * @property {(message: Message, via: 'realtime' | 'sync') => void} [onArrival]   sees every message:new and every synced message as it arrives (load/chaos.mjs times deliveries)
 * @property {Record<string, (...args: any[]) => void>} [handlers]   more server events to listen to on every socket (typing:update, presence:change: load/lib/mix-worker.mjs counts them)
 */
/** @typedef {{ code: string | null, at: number, ms: number, instance: string, clientId: string }} SendReply  code null: acked */

const T_RE = /\bt=(\d{13})\b/
const WORDS = ('deploy release invoice roadmap budget meeting standup design review bugfix hotfix sprint backlog '
  + 'customer onboarding migration database latency dashboard incident postmortem alpha bravo charlie delta echo').split(' ')

export const sleep = (/** @type {number} */ ms) => new Promise(r => setTimeout(r, Math.max(0, ms)))

/**
 * Sends at a fixed arrival rate (open model) until stopped: `sendOne` picks who sends what and
 * returns the send's promise. `stop` resolves once the loop has ended; `sends` holds every promise.
 * @param {number} rate sends per second
 * @param {() => Promise<unknown>} sendOne
 */
export function steadySends(rate, sendOne) {
  let sending = true
  /** @type {Promise<unknown>[]} */
  const sends = []
  const loop = (async () => {
    const interval = 1000 / rate
    let next = Date.now()
    while (sending) {
      await sleep(next - Date.now())
      next += interval
      sends.push(sendOne())
    }
  })()
  return {
    sends,
    stop: async () => {
      sending = false
      await loop
    }
  }
}

/** Message text with the send timestamp receivers read for send→deliver (as in the k6 suite). @param {string} tag @param {number} sentAt */
export function makeContent(tag, sentAt) {
  const count = 3 + Math.floor(Math.random() * 25)
  const words = []
  for (let i = 0; i < count; i++) words.push(WORDS[Math.floor(Math.random() * WORDS.length)])
  let text = `[load ${tag} t=${sentAt}] ${words.join(' ')}`
  const r = Math.random()
  if (r < 0.02) text += '\n```js\nconst answer = 42\nconsole.log(answer)\n```'
  else if (r < 0.1) text += ' **bold** and `code`'
  return text
}

/** Ack errors that mean "try again with the same clientId", not "the server refused". */
const TRANSIENT = new Set(['DISCONNECTED', 'ACK_TIMEOUT'])

/**
 * The wait before resending a send whose ack timed out, as the app's outbox waits
 * (composables/useOutbox.ts, sendRetryDelayMs): growing gently, with jitter, so a server that is
 * slow is not answered with a storm of resends that keeps it slow.
 * @param {number} attempts
 */
export function resendDelayMs(attempts) {
  return Math.min(500 * 1.5 ** Math.max(0, attempts - 1), 5000) * (1 + Math.random() * 0.2)
}

export class Session {
  /** @param {SessionOptions} o */
  constructor(o) {
    this.o = o
    this.m = o.metrics
    this.token = o.user.token
    this.expMs = o.user.token ? o.user.tokenExp * 1000 : 0
    this.instanceIndex = o.home
    /** @type {SocketClient | null} */
    this.sock = null
    this.active = false
    this.reconnecting = false
    /** @type {Map<string, number>} conversation → lastSeq when the session started watching */
    this.baselines = new Map()
    /** @type {Map<string, Outgoing>} clientId → unacked send */
    this.outbox = new Map()
    /** @type {AckedMessage[]} */
    this.acked = []
    this.sendCount = 0
    /** @type {NodeJS.Timeout | null} */
    this.timer = null
    const s = o.settings
    this.ledger = createLedger({
      userId: o.user.id,
      gapGraceMs: s.gapGraceMs,
      keep: Infinity, // the end-of-run audit needs every id
      dropRealtime: s.selftestDrop ? () => Math.random() < s.selftestDrop : undefined,
      hideSynced: s.selftestHide ? () => Math.random() < s.selftestHide : undefined,
      hooks: {
        duplicate: (msg, why) => {
          this.m.count('duplicates')
          o.log(`${o.label}: duplicate ${msg.id} seq ${msg.seq} in ${msg.conversationId} (same ${why})`)
        },
        received: (msg) => {
          this.m.count('received')
          const t = T_RE.exec(msg.content ?? '')
          if (t) this.m.trend('deliver', Date.now() - Number(t[1]))
        },
        syncRequest: (ms, answered, reply) => {
          this.m.op(answered ? null : `SYNC_${reply?.error && typeof reply.error === 'object' && 'code' in reply.error ? reply.error.code : 'FAILED'}`)
          if (answered) this.m.trend('sync', ms)
        },
        recovered: n => this.m.count('recovered', n),
        lost: (n, reason, conversationId, examples) => {
          this.m.count('lost', n)
          o.log(`${o.label}: ${n} counter value(s) unexplained in ${conversationId} after sync (${reason}), e.g. ${examples.join(',')}`)
        }
      }
    })
  }

  get instance() {
    return /** @type {string} */ (this.o.instances[this.instanceIndex % this.o.instances.length])
  }

  async ensureToken() {
    if (this.token && this.expMs > Date.now() + 60000) return
    const t = await login(this.o.instances, this.instanceIndex, this.o.user.email, this.o.password)
    if (this.token) this.m.count('refreshes')
    this.token = t.accessToken
    this.expMs = t.expMs || jwtExpMs(t.accessToken)
  }

  /** Promise of the first ack argument, or { ok:false, error } on timeout / disconnect. @param {string} event @param {unknown} data @returns {Promise<AckReply>} */
  ack(event, data) {
    return new Promise((resolve) => {
      const sock = this.sock
      if (!sock || !sock.connected()) return resolve({ ok: false, error: { code: 'DISCONNECTED', message: 'not connected' } })
      sock.emitWithAck(event, data, reply => resolve(reply ?? { ok: false, error: { code: 'EMPTY_ACK' } }), this.o.settings.ackTimeoutMs)
    })
  }

  /** sync:request for the ledger, waiting out a rate limit (the server limits syncs per user). @type {import('../../k6/lib/ledger.js').SyncAck} */
  syncAck = async (event, data) => {
    for (let attempt = 0; ; attempt++) {
      const reply = await this.ack(event, data)
      if (this.o.onArrival && reply.ok && Array.isArray(reply.results)) {
        for (const r of /** @type {import('../../k6/lib/ledger.js').SyncResult[]} */ (reply.results)) for (const m of r.messages) this.o.onArrival(/** @type {Message} */ (m), 'sync')
      }
      const err = /** @type {{ code?: string, details?: { retryAfterMs?: number } } | undefined} */ (reply.error)
      // A rate limit is waited out a few times; a server briefly without its database for up to ~15 s.
      const limited = err?.code === 'RATE_LIMITED'
      if (reply.ok || !err || !(limited ? attempt < 5 : err.code === 'UNAVAILABLE' && attempt < 30)) return /** @type {import('../../k6/lib/ledger.js').SyncReply} */ (reply)
      this.m.count(limited ? 'rateLimited' : 'unavailable')
      await sleep(Math.min(10000, err.details?.retryAfterMs ?? 1000))
    }
  }

  /** One socket to the current instance; resolves null on success, else the connect error message. @returns {Promise<string | null>} */
  connectOnce() {
    const started = performance.now()
    return new Promise((resolve) => {
      const sock = this.o.connect(this.instance, /** @type {string} */ (this.token), {
        'connect': () => {
          this.m.trend('connect', performance.now() - started)
          resolve(null)
        },
        'connect_error': (/** @type {{ message: string }} */ e) => resolve(e.message || 'connect_error'),
        'disconnect': (/** @type {string} */ reason) => this.onDisconnect(sock, reason),
        'message:new': (/** @type {{ message: Message }} */ p) => this.onMessage(p.message),
        'message:updated': (/** @type {{ message: Message }} */ p) => this.ledger.onUpdated(p.message),
        'message:deleted': (/** @type {{ conversationId: string, updatedSeq: number }} */ p) => this.ledger.onDeleted(p),
        'error': () => {},
        ...this.o.handlers
      }, { ackTimeoutMs: this.o.settings.ackTimeoutMs, connectTimeoutMs: 10000 })
      this.sock = sock
    })
  }

  /** @param {Message} message */
  onMessage(message) {
    this.o.onArrival?.(message, 'realtime')
    // Without a REST baseline the cursor starts just below the first message, else a room with
    // history would leave every later value "above a hole" for the rest of the run.
    if (!this.o.settings.audit && this.ledger.cursor(message.conversationId) === null) this.ledger.setBaseline(message.conversationId, message.seq - 1)
    this.ledger.onNew(message)
  }

  /** Connects to the home instance, else the next ones (failover), with backed-off rounds. */
  async connectAnywhere(rounds = 5) {
    const n = this.o.instances.length
    const from = this.instanceIndex
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < n; i++) {
        await this.ensureToken()
        const err = await this.connectOnce()
        if (err === null) {
          if (this.instanceIndex !== from) this.m.count('failovers')
          return true
        }
        if (err === 'UNAUTHENTICATED') this.expMs = 0 // sign in again before the next try
        else this.instanceIndex = (this.instanceIndex + 1) % n
      }
      await sleep(250 * 2 ** round + Math.random() * 250)
    }
    return false
  }

  /** Connects and takes the cursor baseline of every conversation of the user in the project. */
  async open() {
    this.active = true
    try {
      await this.ensureToken()
    } catch (error) {
      this.m.op('LOGIN_FAILED')
      this.o.log(`${this.o.label}: ${/** @type {Error} */ (error).message}`)
      this.active = false
      return false
    }
    const connected = await this.connectAnywhere()
    this.m.op(connected ? null : 'CONNECT_FAILED')
    if (!connected) {
      this.active = false
      return false
    }
    if (!this.o.settings.audit) {
      // No REST here: every message of this run is expected (baseline 0 for the audit), and
      // the ledger's cursor starts at the first message seen (see onMessage).
      for (const id of this.o.rooms) this.baselines.set(id, 0)
      this.timer = setInterval(() => this.tick(), 1000)
      return true
    }
    const r = await request(this.o.instances, this.instanceIndex, 'GET', `/api/projects/${this.o.projectId}/conversations`, { token: /** @type {string} */ (this.token) })
    const ok = r.status === 200 && Array.isArray(r.body?.conversations)
    this.m.op(ok ? null : `HTTP_${r.status}`)
    if (!ok) {
      this.o.log(`${this.o.label}: GET conversations ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`)
      this.active = false
      return false
    }
    for (const c of r.body.conversations) {
      this.ledger.setBaseline(c.id, c.lastSeq)
      this.baselines.set(c.id, c.lastSeq)
    }
    this.timer = setInterval(() => this.tick(), 1000)
    return true
  }

  tick() {
    if (!this.active || this.reconnecting || !this.sock?.connected()) return
    if (this.o.settings.refreshTokens && this.expMs < Date.now() + 90000) {
      // Short-lived access tokens: sign in again and reconnect with the new one before it lapses.
      this.expMs = 0
      void this.reconnect({ abrupt: false, measure: false })
      return
    }
    const holes = this.o.settings.audit ? this.ledger.staleHoles() : []
    if (holes.length) void this.ledger.sync(this.syncAck, holes, 'gap')
  }

  /** @param {SocketClient} sock @param {string} reason */
  onDisconnect(sock, reason) {
    if (sock !== this.sock || reason === 'io client disconnect' || !this.active) return
    this.m.count('disconnects')
    if (!this.reconnecting) setTimeout(() => { void this.reconnect({ abrupt: true, measure: false }) }, 100 + Math.random() * 400)
  }

  /** Drops the socket, connects (failing over if need be), syncs every conversation, resends what was not acked. */
  async reconnect({ abrupt = true, measure = true } = {}) {
    if (this.reconnecting || !this.active) return false
    this.reconnecting = true
    const started = performance.now()
    try {
      this.sock?.close({ abrupt })
      const connected = await this.connectAnywhere(8)
      this.m.op(connected ? null : 'RECONNECT_FAILED')
      if (!connected) return false
      const synced = this.o.settings.audit ? await this.ledger.sync(this.syncAck, this.ledger.conversations(), 'reconnect') : true
      if (synced && measure) this.m.trend('reconnect', performance.now() - started)
      return synced
    } finally {
      this.reconnecting = false
      this.flushOutbox()
    }
  }

  flushOutbox() {
    for (const out of this.outbox.values()) if (!out.inFlight) this.attempt(out)
  }

  /**
   * message:send with a fresh clientId, kept until acked: resent with the same clientId after a
   * disconnect or an ack timeout. Resolves the message, or null when the server refused it.
   * @param {string} conversationId
   * @returns {Promise<Message | null>}
   */
  send(conversationId) {
    const clientId = randomUUID()
    const firstSentAt = Date.now()
    return new Promise((resolve) => {
      /** @type {Outgoing} */
      const out = { conversationId, clientId, content: makeContent(`${this.o.label}.${++this.sendCount}`, firstSentAt), firstSentAt, attempts: 0, inFlight: false, resolve }
      this.outbox.set(clientId, out)
      if (this.sock?.connected() && !this.reconnecting) this.attempt(out)
    })
  }

  /** @param {Outgoing} out */
  attempt(out) {
    out.inFlight = true
    out.attempts++
    if (out.attempts > 1) this.m.count('resent')
    const sentAt = Date.now()
    const instance = this.instance
    this.ack('message:send', { clientId: out.clientId, conversationId: out.conversationId, content: out.content }).then((reply) => {
      out.inFlight = false
      const message = /** @type {Message | undefined} */ (reply.ok ? reply.message : undefined)
      const code = reply.ok ? null : (reply.error?.code ?? 'UNKNOWN')
      this.o.onSendReply?.({ code, at: Date.now(), ms: Date.now() - sentAt, instance, clientId: out.clientId })
      if (message && message.conversationId === out.conversationId && message.clientId === out.clientId) {
        // A resend may find the first attempt committed: `duplicate: true` and the same message.
        if (reply.duplicate === true && out.attempts === 1) this.m.op('UNEXPECTED_DUPLICATE')
        else this.m.op(null)
        this.outbox.delete(out.clientId)
        this.m.trend('sendAck', Date.now() - out.firstSentAt)
        this.m.count('sent')
        this.acked.push({ conversationId: message.conversationId, id: message.id, seq: message.seq, clientId: out.clientId, senderId: this.o.user.id })
        out.resolve(message)
        return
      }
      if (code === 'RATE_LIMITED' || code === 'SLOW_MODE' || code === 'UNAVAILABLE') {
        // Retryable refusals (UNAVAILABLE: the server is without its database for a moment): the same clientId after the wait.
        this.m.count(code === 'UNAVAILABLE' ? 'unavailable' : 'rateLimited')
        const wait = /** @type {{ retryAfterMs?: number } | undefined} */ (reply.error?.details)?.retryAfterMs ?? 1000
        setTimeout(() => { if (this.outbox.has(out.clientId) && this.sock?.connected()) this.attempt(out) }, Math.min(wait, 10000))
        return
      }
      if (code !== null && TRANSIENT.has(code)) {
        // Connected but no ack in time: the error counts, the message is retried as is after a wait.
        if (code === 'ACK_TIMEOUT') this.m.op(code)
        if (out.attempts < 10 && this.sock?.connected() && !this.reconnecting) {
          setTimeout(() => {
            if (this.outbox.has(out.clientId) && !out.inFlight && this.sock?.connected() && !this.reconnecting) this.attempt(out)
          }, resendDelayMs(out.attempts))
        }
        return // otherwise the reconnect flushes the outbox
      }
      this.m.op(code ?? 'BAD_ACK')
      this.o.log(`${this.o.label}: message:send refused: ${JSON.stringify(reply).slice(0, 300)}`)
      this.outbox.delete(out.clientId)
      out.resolve(null)
    })
  }

  /** A retry of an acked send with the same clientId must return the original, flagged duplicate. @param {Message} original */
  async retrySend(original) {
    this.m.count('retries')
    const reply = await this.ack('message:send', { clientId: original.clientId, conversationId: original.conversationId, content: original.content })
    if (!reply.ok && TRANSIENT.has(reply.error?.code ?? '')) return // a drop mid-check says nothing
    const m = /** @type {Message | undefined} */ (reply.message)
    this.m.op(reply.ok && reply.duplicate === true && m?.id === original.id ? null : 'RETRY_NOT_IDEMPOTENT')
  }

  /** @param {Message} message */
  async edit(message) {
    this.m.count('edits')
    const reply = await this.ack('message:edit', { messageId: message.id, content: `${message.content} (edited)` })
    if (!reply.ok && TRANSIENT.has(reply.error?.code ?? '')) return
    const m = /** @type {Message | undefined} */ (reply.message)
    this.m.op(reply.ok && m && m.updatedSeq > message.updatedSeq ? null : `EDIT_${reply.error?.code ?? 'BAD_ACK'}`)
  }

  /** @param {Message} message */
  async remove(message) {
    this.m.count('deletes')
    const reply = await this.ack('message:delete', { messageId: message.id })
    if (!reply.ok && TRANSIENT.has(reply.error?.code ?? '')) return
    this.m.op(reply.ok ? null : `DELETE_${reply.error?.code ?? 'BAD_ACK'}`)
  }

  /**
   * Waits for every send to be acked (resending as needed), lets deliveries drain, syncs every
   * conversation once more and closes. Returns what the audit needs.
   */
  async close() {
    const until = Date.now() + this.o.settings.ackTimeoutMs * 3
    while ((this.outbox.size || this.reconnecting) && Date.now() < until) await sleep(100)
    for (const out of this.outbox.values()) {
      this.m.op('NEVER_ACKED')
      out.resolve(null)
    }
    await sleep(this.o.settings.drainMs)
    while (this.reconnecting && Date.now() < until + 10000) await sleep(100)
    let synced = !this.o.settings.audit
    if (this.o.settings.audit && this.sock?.connected()) synced = await this.ledger.sync(this.syncAck, this.ledger.conversations(), 'final')
    if (!synced && this.active) this.m.op('FINAL_SYNC_FAILED')
    this.active = false
    if (this.timer) clearInterval(this.timer)
    this.sock?.close()
    return {
      label: this.o.label,
      userId: this.o.user.id,
      audited: synced,
      conversations: [...this.baselines].map(([conversationId, baseline]) => ({ conversationId, baseline, known: [...this.ledger.known(conversationId).keys()] }))
    }
  }
}
