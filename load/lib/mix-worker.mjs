// A worker thread of the mixed-workload driver (load/lib/mix-driver.mjs). It holds a share of the
// members, each a Session (load/lib/session.mjs: socket, ledger, resend, reconnect + sync, audit),
// and drives them in one of two ways:
//   members — every member loops on its own: idle (load/lib/mix.mjs idleMs), pick an action by
//             weight, do it, idle again (load/capacity.mjs);
//   hot     — fixed arrival rates of sends and presence changes, each by a random member of one
//             conversation (bench/hot-conversation.mjs).
// The main thread grows the member count step by step and opens/closes measurement windows; each
// window's figures (per-operation latency and failures, deliveries, events received) come back as
// one message.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { parentPort, workerData } from 'node:worker_threads'
import { Metrics } from './metrics.mjs'
import { idleMs, pickAction } from './mix.mjs'
import { OpStats } from './op-stats.mjs'
import { request } from './rest.mjs'
import { Session, sleep } from './session.mjs'
import { connect } from './socket-ws.mjs'

/**
 * @typedef {{ n: number, id: string, email: string, token: string, tokenExp: number, conversations: Record<string, string> }} MixUser
 * @typedef {object} MixWorkerInput
 * @property {number} index
 * @property {string[]} instances
 * @property {string} projectId
 * @property {MixUser[]} users                     this worker's share; `n` is the member's rank over all workers
 * @property {string[]} allUserIds                  every member's id by rank (reaction partners live in other workers)
 * @property {'members' | 'hot'} mode
 * @property {{ weights: Record<string, number>, idle: { minMs: number, avgMs: number }, sendTo: Record<string, number>, composeMs: [number, number], queries: string[], typing?: boolean }} behaviour
 * @property {{ conversationId: string, sendRate: number, presenceRate: number } | null} hot   rates are this worker's share
 * @property {{ ackTimeoutMs: number, drainMs: number, gapGraceMs: number }} settings
 */
/**
 * @typedef {object} Member
 * @property {MixUser} user
 * @property {Session} session
 * @property {Map<string, number>} oldest          conversation → lowest seq seen (scrolling goes on from there)
 * @property {string[]} reactable                  messages of its partner it has not reacted to yet (see partnerOf)
 * @property {boolean} active
 * @property {() => void} leave                      ends its loop's idle at once (the member leaves the run)
 * @property {Promise<unknown>} left
 * @property {Promise<unknown> | null} loop
 * @property {Map<string, string>} sendCodes       clientId → a failure one of its attempts got
 * @property {string | null} lastRefusal
 * @property {'online' | 'away'} status
 */

const input = /** @type {MixWorkerInput} */ (workerData)
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort)
const { instances, behaviour, settings } = input
const EMOJI = ['👍', '🎉', '❤️', '😄', '👀', ':rocket:']
const COUNTED_EVENTS = ['typing:update', 'presence:change', 'message:updated', 'read:update', 'unread:update', 'notification']
let logged = 0
/** @param {string} msg */
const log = (msg) => {
  if (logged++ < 30) port.postMessage({ type: 'log', msg: `worker ${input.index}: ${msg}` })
}
const pick = (/** @type {any[]} */ xs) => xs[Math.floor(Math.random() * xs.length)]
const idOfRank = new Map(input.allUserIds.map((id, n) => [n, id]))
/**
 * The member whose messages member n reacts to: n XOR 1, always in the same department and
 * project-wide room. The pairing is one to one, so every message gets at most one reaction: the
 * audit's ledger assumes a message changes at most once (k6/lib/ledger.js).
 * @param {number} n
 */
const partnerOf = n => idOfRank.get(n ^ 1) ?? null

/** Session metrics that also feed the open window, so the run's totals (lost, duplicates) see every event. */
class WindowedMetrics extends Metrics {
  constructor() {
    super(Date.now())
    this.window = new Metrics(Date.now())
  }

  /** @param {import('./metrics.mjs').TrendName} name @param {number} ms */
  trend(name, ms) {
    super.trend(name, ms)
    this.window.trend(name, ms)
  }

  /** @param {import('./metrics.mjs').CountName} name @param {number} [n] */
  count(name, n = 1) {
    super.count(name, n)
    this.window.count(name, n)
  }

  /** @param {string | null} [code] */
  op(code = null) {
    super.op(code)
    this.window.op(code)
  }
}

const metrics = new WindowedMetrics()
// This thread's event-loop delay per window: a driver that falls behind reads deliveries late and
// would blame the server for it.
const loopDelay = monitorEventLoopDelay({ resolution: 10 })
loopDelay.enable()
let stats = new OpStats()
/** @type {Record<string, number>} */
let events = {}
let running = true
/** @type {() => void} */
let stopAll = () => {}
const stopped = new Promise((resolve) => { stopAll = () => resolve(undefined) })
/** A sleep that ends early when the run is finishing. @param {number} ms */
const idle = ms => Promise.race([sleep(ms), stopped])
/** @type {Member[]} */
const members = []
/** @type {Promise<unknown>[]} */
const loops = []
/** @type {Set<Promise<unknown>>} */
const inFlight = new Set()
/** @param {Promise<unknown>} p */
const track = (p) => {
  inFlight.add(p)
  void p.finally(() => inFlight.delete(p))
}

/**
 * Waits for the promises, but not forever: a send waiting for a socket that never came back would
 * hold its member's loop, and Session.close() ends such sends (NEVER_ACKED) anyway.
 * @param {(Promise<unknown> | null)[]} promises
 */
const settled = promises => Promise.race([Promise.all(promises), sleep(settings.ackTimeoutMs * 3 + 10000)])

/** @param {MixUser} user @returns {Member} */
function makeMember(user) {
  /** @type {Member} */
  /** @type {() => void} */
  let leave = () => {}
  const left = new Promise((resolve) => { leave = () => resolve(undefined) })
  /** @type {Member} */
  const member = { user, session: /** @type {any} */ (null), oldest: new Map(), reactable: [], sendCodes: new Map(), lastRefusal: null, status: 'online', active: true, leave, left, loop: null }
  const partner = partnerOf(user.n)
  /** @type {Record<string, (...args: any[]) => void>} */
  const handlers = {}
  for (const e of COUNTED_EVENTS) handlers[e] = () => { events[e] = (events[e] ?? 0) + 1 }
  member.session = new Session({
    label: `m${user.n}`,
    user,
    password: 'unused: the harness signs the tokens',
    projectId: input.projectId,
    instances,
    rooms: Object.values(user.conversations),
    home: user.n % instances.length,
    metrics,
    connect,
    settings: { ...settings, refreshTokens: false, selftestDrop: 0, selftestHide: 0, audit: true },
    log,
    handlers,
    onArrival: (message, via) => {
      if (via !== 'realtime' || message.senderId !== partner) return
      member.reactable.push(message.id)
      if (member.reactable.length > 20) member.reactable.shift()
    },
    onSendReply: (reply) => {
      if (reply.code === null) return
      member.lastRefusal = reply.code
      if (!member.sendCodes.has(reply.clientId)) member.sendCodes.set(reply.clientId, reply.code)
    }
  })
  return member
}

/** Runs fn over items with at most `limit` at once. @template T @param {T[]} items @param {number} limit @param {(item: T) => Promise<unknown>} fn */
async function eachLimit(items, limit, fn) {
  let next = 0
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(/** @type {T} */ (items[next++]))
  }))
}

/** A REST call timed as operation `name`; resolves its body when it answered 200, else null. @param {Member} m @param {string} name @param {string} path @param {(body: any) => boolean} valid */
async function rest(m, name, path, valid) {
  const token = stats.begin(name)
  try {
    const r = await request(instances, m.session.instanceIndex, 'GET', path, { token: /** @type {string} */ (m.session.token), timeoutMs: 15000 })
    const ok = r.status === 200 && valid(r.body)
    OpStats.end(token, ok ? null : { status: r.status === 200 ? 500 : r.status })
    return ok ? r.body : null
  } catch {
    OpStats.end(token, { status: 0 })
    return null
  }
}

/** A socket event with an ack, timed as operation `name`. @param {Member} m @param {string} name @param {string} event @param {unknown} data */
async function acked(m, name, event, data) {
  const token = stats.begin(name)
  const reply = await m.session.ack(event, data)
  OpStats.end(token, reply.ok ? null : { code: reply.error?.code ?? 'BAD_ACK' })
  return reply
}

/** @param {Member} m @param {string} conversationId @param {{ seq: number, id: string }[]} messages */
function remember(m, conversationId, messages) {
  const first = messages[0]
  if (first) m.oldest.set(conversationId, Math.min(first.seq, m.oldest.get(conversationId) ?? Infinity))
}

const pageOk = (/** @type {any} */ b) => Array.isArray(b?.messages) && typeof b.hasMore === 'boolean'

/** @type {Record<string, (m: Member) => Promise<unknown>>} */
const ACTIONS = {
  // Opening a conversation: its newest page, then marking it read up to the last message.
  async view(m) {
    const conversationId = /** @type {string} */ (pick(Object.values(m.user.conversations)))
    const body = await rest(m, 'history', `/api/conversations/${conversationId}/messages?limit=50`, pageOk)
    const msgs = /** @type {{ seq: number, id: string }[]} */ (body?.messages ?? [])
    remember(m, conversationId, msgs)
    const last = msgs.at(-1)
    if (last && m.session.sock?.connected()) await acked(m, 'read', 'read:mark', { conversationId, seq: last.seq })
  },
  // Scrolling up: the page before the oldest message seen there (the newest page first if none).
  async scroll(m) {
    const conversationId = /** @type {string} */ (pick(Object.values(m.user.conversations)))
    if (!m.oldest.has(conversationId)) remember(m, conversationId, (await rest(m, 'history', `/api/conversations/${conversationId}/messages?limit=50`, pageOk))?.messages ?? [])
    const before = m.oldest.get(conversationId)
    if (before === undefined || before <= 1) return
    const body = await rest(m, 'scroll', `/api/conversations/${conversationId}/messages?limit=50&beforeSeq=${before}`, pageOk)
    remember(m, conversationId, body?.messages ?? [])
  },
  // Writing: typing:start (renewed every 3 s while composing, as the app's composer does), the send, typing:stop.
  async send(m) {
    const conversationId = pickConversation(m)
    await composeAndSend(m, conversationId)
  },
  // Reacting to a message of its partner's, each at most once (see partnerOf); none yet: a view instead.
  async react(m) {
    const messageId = m.reactable.splice(Math.floor(Math.random() * m.reactable.length), 1)[0]
    if (!messageId) return ACTIONS.view?.(m)
    await acked(m, 'react', 'reaction:add', { messageId, emoji: pick(EMOJI) })
  },
  async reconnect(m) {
    const token = stats.begin('reconnect')
    const ok = await m.session.reconnect({ abrupt: true, measure: true })
    OpStats.end(token, ok ? null : { code: 'RECONNECT_FAILED' })
  },
  async search(m) {
    const q = /** @type {string} */ (pick(behaviour.queries))
    await rest(m, 'search', `/api/search?q=${encodeURIComponent(q)}&projectId=${input.projectId}&limit=20`, b => Array.isArray(b?.results) && typeof b.total === 'number')
  },
  async presence(m) {
    m.status = m.status === 'online' ? 'away' : 'online'
    await acked(m, 'presence', 'presence:update', { status: m.status })
  }
}

/** One of the member's conversations by the send mix (a kind it lacks falls back to any). @param {Member} m */
function pickConversation(m) {
  const kind = pickAction(behaviour.sendTo, Math.random())
  return m.user.conversations[kind] ?? /** @type {string} */ (Object.values(m.user.conversations)[0])
}

/** @param {Member} m @param {string} conversationId */
async function composeAndSend(m, conversationId) {
  if (!m.session.sock?.connected() || m.session.reconnecting) return
  const typing = behaviour.typing !== false
  if (typing) await acked(m, 'typing', 'typing:start', { conversationId })
  const [lo, hi] = behaviour.composeMs
  const composeEnd = Date.now() + lo + Math.random() * (hi - lo)
  while (composeEnd - Date.now() > 3000) {
    await sleep(3000)
    if (typing && m.session.sock?.connected()) await acked(m, 'typing', 'typing:start', { conversationId })
  }
  await sleep(composeEnd - Date.now())
  const token = stats.begin('send')
  const message = await m.session.send(conversationId)
  const code = message ? m.sendCodes.get(message.clientId) : (m.lastRefusal ?? 'REFUSED')
  if (message) m.sendCodes.delete(message.clientId)
  OpStats.end(token, code ? { code } : null)
  if (typing) m.session.sock?.emit('typing:stop', { conversationId })
}

/** members mode: one member's own loop of idle, action, idle … @param {Member} m */
async function memberLoop(m) {
  const wait = (/** @type {number} */ ms) => Promise.race([idle(ms), m.left])
  await wait(Math.random() * behaviour.idle.avgMs)
  while (running && m.active) {
    const action = pickAction(behaviour.weights, Math.random())
    try {
      await ACTIONS[action]?.(m)
    } catch (error) {
      log(`${action}: ${/** @type {Error} */ (error).message}`)
    }
    if (!running || !m.active) return
    await wait(idleMs(behaviour.idle, Math.random()))
  }
}

/** hot mode: a fixed arrival rate; each arrival runs `fn` for a random connected member. @param {number} rate @param {(m: Member) => Promise<unknown>} fn */
async function arrivals(rate, fn) {
  if (rate <= 0) return
  const interval = 1000 / rate
  let next = Date.now() + Math.random() * interval
  while (running) {
    await idle(next - Date.now())
    next += interval
    if (!running) return
    const live = members.filter(x => x.session.sock?.connected() && !x.session.reconnecting)
    if (live.length) track(fn(pick(live)))
  }
}

/** @param {number} count members with rank below count should be connected */
async function grow(count) {
  const fresh = input.users.filter(u => u.n < count && !members.some(x => x.user === u))
  let failed = 0
  await eachLimit(fresh, 16, async (user) => {
    const m = makeMember(user)
    if (await m.session.open()) {
      members.push(m)
      if (input.mode === 'members') m.loop = memberLoop(m)
    } else failed++
  })
  return { sessions: members.length, failed }
}

/** @type {{ report: Awaited<ReturnType<Session['close']>>, horizon: Record<string, number>, acked: import('./audit.mjs').AckedMessage[] }[]} */
const departed = []

/**
 * A member that left the run: its session closes after a final sync, and what it knew by then is
 * audited against what was sent until then (its horizon per conversation).
 * @param {Member} m
 */
async function depart(m) {
  const report = await m.session.close()
  /** @type {Record<string, number>} */
  const horizon = {}
  for (const c of report.conversations) horizon[c.conversationId] = m.session.ledger.cursor(c.conversationId) ?? c.baseline
  departed.push({ report, horizon, acked: m.session.acked })
}

/** @param {number} count members with rank count or above leave */
async function shrink(count) {
  const leaving = members.filter(x => x.user.n >= count)
  for (const m of leaving) {
    m.active = false
    m.leave()
  }
  await settled(leaving.map(m => m.loop))
  await eachLimit(leaving, 128, depart)
  for (const m of leaving) members.splice(members.indexOf(m), 1)
  return { sessions: members.length, failed: 0 }
}

port.on('message', async (msg) => {
  if (msg.type === 'grow') {
    port.postMessage({ type: 'grown', ...(await grow(msg.count)) })
  } else if (msg.type === 'shrink') {
    port.postMessage({ type: 'grown', ...(await shrink(msg.count)) })
  } else if (msg.type === 'run' && input.hot) {
    const { conversationId, sendRate, presenceRate } = input.hot
    loops.push(arrivals(sendRate, m => composeAndSend(m, conversationId)), arrivals(presenceRate, m => ACTIONS.presence?.(m) ?? Promise.resolve()))
  } else if (msg.type === 'window') {
    stats = new OpStats()
    metrics.window = new Metrics(Date.now())
    events = {}
    loopDelay.reset()
  } else if (msg.type === 'close-window') {
    const lagMs = { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 }
    const closed = stats
    const windowMetrics = metrics.window
    const windowEvents = events
    stats = new OpStats()
    metrics.window = new Metrics(Date.now())
    events = {}
    // Operations begun in the window get a grace to finish; what is still open then counts as is.
    const until = Date.now() + msg.graceMs
    while (closed.pending.size && Date.now() < until) await sleep(50)
    closed.close()
    port.postMessage({ type: 'window', ops: closed.toJSON(), metrics: windowMetrics.toJSON(), events: windowEvents, lagMs, sessions: members.filter(x => x.session.sock?.connected() || x.session.reconnecting).length })
  } else if (msg.type === 'stop') {
    // Every worker stops sending before any member's final sync: a send still composing in another
    // worker would otherwise be acked after members here had synced for the last time.
    running = false
    stopAll()
    await settled([...loops, ...members.map(x => x.loop), ...inFlight])
    port.postMessage({ type: 'stopped' })
  } else if (msg.type === 'finish') {
    /** @type {Awaited<ReturnType<Session['close']>>[]} */
    const reports = []
    // Each close waits out the drain, then syncs: many at once, or thousands of members take minutes.
    await eachLimit(members, 128, async (x) => { reports.push(await x.session.close()) })
    port.postMessage({ type: 'done', metrics: metrics.toJSON(), acked: [...members.flatMap(x => x.session.acked), ...departed.flatMap(d => d.acked)], members: reports, departed: departed.map(d => ({ report: d.report, horizon: d.horizon })) })
  }
})
port.postMessage({ type: 'ready' })
