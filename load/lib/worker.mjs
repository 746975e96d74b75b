// A worker thread of the driver: runs its share of the virtual users (sessions and REST loops)
// between startAt and endAt, then audits its sessions and posts the results to the main thread.
import { parentPort, workerData } from 'node:worker_threads'
import { Metrics } from './metrics.mjs'
import { login, request } from './rest.mjs'
import { Session, sleep } from './session.mjs'

/**
 * @typedef {{ kind: 'chat' | 'storm' | 'hotListener' | 'hotSender' | 'history' | 'search', label: string, userIndex: number, home: number }} Vu
 * @typedef {object} WorkerInput
 * @property {number} index
 * @property {import('./profiles.mjs').Profile} profile
 * @property {{ projectId: string, password: string, hotConversationId: string, users: FixtureUser[] }} fixture
 * @property {string[]} instances
 * @property {Vu[]} vus
 * @property {number} chatShare        this worker's chat members ÷ all chat members
 * @property {number} t0
 * @property {'ws' | 'socket.io-client'} transport
 * @property {WorkerSettings} settings
 * @typedef {{ id: string, email: string, token: string | null, tokenExp: number, conversations: Record<string, string> }} FixtureUser
 * @typedef {object} WorkerSettings
 * @property {number} ackTimeoutMs
 * @property {number} drainMs
 * @property {number} gapGraceMs
 * @property {number} selftestDrop
 * @property {number} selftestHide
 * @property {number} retryRatio
 * @property {number} editRatio
 * @property {number} deleteRatio
 * @property {number} typingRatio
 * @property {boolean} audit
 */

const input = /** @type {WorkerInput} */ (workerData)
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort)
const { profile, fixture, instances, settings } = input
const metrics = new Metrics(input.t0)
let logged = 0
/** @param {string} msg */
const log = (msg) => {
  if (logged++ < 20) port.postMessage({ type: 'log', msg })
}
const { connect } = await import(input.transport === 'socket.io-client' ? './socket-sio.mjs' : './socket-ws.mjs')

/** Runs fn over items with at most `limit` at once. @template T @param {T[]} items @param {number} limit @param {(item: T) => Promise<unknown>} fn */
async function eachLimit(items, limit, fn) {
  let next = 0
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(/** @type {T} */ (items[next++]))
  }))
}

/** @type {Map<string, { token: string, expMs: number }>} */
const restTokens = new Map()
/** A valid access token for a REST-only user: the fixture's while fresh, else a sign-in. @param {WorkerInput['fixture']['users'][number]} user @param {number} home */
async function tokenOf(user, home) {
  const cached = restTokens.get(user.id) ?? (user.token ? { token: user.token, expMs: user.tokenExp * 1000 } : undefined)
  if (cached && cached.expMs > Date.now() + 60000) return cached.token
  const fresh = await login(instances, home, user.email, fixture.password)
  restTokens.set(user.id, { token: fresh.accessToken, expMs: fresh.expMs })
  return fresh.accessToken
}
const conversationsOf = new Map(fixture.users.map(u => [u.id, u.conversations]))

/** @param {Vu} vu */
function makeSession(vu) {
  const user = /** @type {WorkerInput['fixture']['users'][number]} */ (fixture.users[vu.userIndex % fixture.users.length])
  return new Session({
    label: vu.label,
    user,
    password: fixture.password,
    projectId: fixture.projectId,
    instances,
    rooms: Object.values(user.conversations),
    home: vu.home,
    metrics,
    connect,
    settings: { ...settings, refreshTokens: profile.refreshTokens },
    log
  })
}

const socketVus = input.vus.filter(v => v.kind === 'chat' || v.kind === 'storm' || v.kind === 'hotListener' || v.kind === 'hotSender')
/** @type {Map<Vu, Session>} */
const sessions = new Map()
await eachLimit(socketVus, 16, async (vu) => {
  const s = makeSession(vu)
  if (await s.open()) sessions.set(vu, s)
})
port.postMessage({ type: 'ready', sessions: sessions.size, of: socketVus.length })

const { startAt, endAt } = await new Promise(resolve => port.once('message', resolve))
await sleep(startAt - Date.now())

/** @type {Promise<unknown>[]} */
const pending = []
/** @param {Promise<unknown>} p */
const track = (p) => {
  pending.push(p)
  if (pending.length > 500) pending.splice(0, 250)
}

const mix = Object.entries(profile.chat.mix)
const mixTotal = mix.reduce((t, [, w]) => t + w, 0)
/** One of a user's rooms, by the profile's mix. @param {Record<string, string>} convs */
function pickRoom(convs) {
  let r = Math.random() * mixTotal
  for (const [room, w] of mix) if ((r -= w) < 0 && convs[room]) return convs[room]
  return /** @type {string} */ (Object.values(convs)[0])
}

/** Chat members: one fixed arrival rate for the worker, each arrival a random member and room. */
async function chatArrivals() {
  const members = [...sessions].filter(([vu]) => vu.kind === 'chat').map(([, s]) => s)
  const ratePerS = (profile.chat.members / profile.chat.sendEveryS) * input.chatShare
  if (!members.length || ratePerS <= 0) return
  const intervalMs = 1000 / ratePerS
  let next = Date.now() + Math.random() * intervalMs
  for (;;) {
    await sleep(next - Date.now())
    if (Date.now() >= endAt) return
    next += intervalMs
    const s = /** @type {Session} */ (members[Math.floor(Math.random() * members.length)])
    const convs = /** @type {Record<string, string>} */ (conversationsOf.get(s.o.user.id))
    const conversationId = pickRoom(convs)
    if (Math.random() < settings.typingRatio && s.sock?.connected()) s.sock.emit('typing:start', { conversationId })
    track(s.send(conversationId).then(async (message) => {
      if (!message) return
      const x = Math.random()
      if (x < settings.retryRatio) await s.retrySend(message)
      else if (x < settings.retryRatio + settings.editRatio) await s.edit(message)
      else if (x < settings.retryRatio + settings.editRatio + settings.deleteRatio) await s.remove(message)
    }))
  }
}

/** Hot senders: each sends ratePerSender messages/s to the 500-member room without waiting for acks. @param {Session} s */
async function hotSender(s) {
  const intervalMs = 1000 / profile.hot.ratePerSender
  let next = Date.now() + Math.random() * intervalMs
  for (;;) {
    await sleep(next - Date.now())
    if (Date.now() >= endAt) return
    next += intervalMs
    track(s.send(fixture.hotConversationId))
  }
}

/** Storm: every storm session drops at the same instants (startAt + k·everyS), reconnects and syncs. */
async function storm() {
  const members = [...sessions].filter(([vu]) => vu.kind === 'storm').map(([, s]) => s)
  if (!members.length) return
  const everyMs = profile.storm.everyS * 1000
  for (let k = 1; startAt + k * everyMs < endAt - 3000; k++) {
    await sleep(startAt + k * everyMs - Date.now())
    await Promise.all(members.map(s => s.reconnect({ abrupt: true, measure: true })))
  }
}

/** History scrolling over REST: newest page, then back with beforeSeq, checking order and cursor. @param {Vu} vu */
async function history(vu) {
  const user = /** @type {WorkerInput['fixture']['users'][number]} */ (fixture.users[vu.userIndex % fixture.users.length])
  while (Date.now() < endAt) {
    const conversationId = /** @type {string} */ (Math.random() < 0.5 ? user.conversations.hot : user.conversations.dept)
    /** @type {number | undefined} */
    let beforeSeq
    for (let page = 0; page < profile.history.pages && Date.now() < endAt; page++) {
      const q = `limit=50${beforeSeq === undefined ? '' : `&beforeSeq=${beforeSeq}`}`
      const r = await tokenOf(user, vu.home).then(token => request(instances, vu.home, 'GET', `/api/conversations/${conversationId}/messages?${q}`, { token })).catch(() => null)
      if (r) metrics.trend('history', r.ms)
      /** @type {{ seq: number }[] | undefined} */
      const msgs = r?.body?.messages
      const cursor = beforeSeq
      const ok = !!r && r.status === 200 && Array.isArray(msgs) && msgs.length <= 50
        && msgs.every((m, i) => (i === 0 || /** @type {{ seq: number }} */ (msgs[i - 1]).seq < m.seq) && (cursor === undefined || m.seq < cursor))
      metrics.op(ok ? null : r ? `HISTORY_${r.status}` : 'HISTORY_UNREACHABLE')
      if (!ok || !msgs || !msgs.length || !r.body.hasMore) break
      beforeSeq = /** @type {{ seq: number }} */ (msgs[0]).seq
      await sleep(profile.history.thinkS * 1000 * (0.5 + Math.random()))
    }
    await sleep(profile.history.thinkS * 1000)
  }
}

const QUERIES = ['deploy', 'release invoice', '"design review"', 'hotfix', 'roadmap from:me', 'budget has:file', 'incident', 'migration']

/** Search over REST; a server without search (404) is counted as skipped. @param {Vu} vu */
async function search(vu) {
  const user = /** @type {WorkerInput['fixture']['users'][number]} */ (fixture.users[vu.userIndex % fixture.users.length])
  while (Date.now() < endAt) {
    const q = /** @type {string} */ (QUERIES[Math.floor(Math.random() * QUERIES.length)])
    const r = await tokenOf(user, vu.home).then(token => request(instances, vu.home, 'GET', `/api/search?q=${encodeURIComponent(q)}&projectId=${fixture.projectId}&limit=20`, { token })).catch(() => null)
    if (r && (r.status === 404 || (r.status === 200 && typeof r.body === 'string'))) metrics.count('searchSkipped')
    else {
      if (r) metrics.trend('search', r.ms)
      const ok = !!r && r.status === 200 && Array.isArray(r.body?.results) && typeof r.body?.total === 'number'
      metrics.op(ok ? null : r ? `SEARCH_${r.status}` : 'SEARCH_UNREACHABLE')
    }
    await sleep(profile.search.thinkS * 1000 * (0.5 + Math.random()))
  }
}

await Promise.all([
  chatArrivals(),
  storm(),
  ...[...sessions].filter(([vu]) => vu.kind === 'hotSender').map(([, s]) => hotSender(s)),
  ...input.vus.filter(v => v.kind === 'history').map(history),
  ...input.vus.filter(v => v.kind === 'search').map(search)
])
await Promise.all(pending)

/** @type {Awaited<ReturnType<Session['close']>>[]} */
const members = []
await eachLimit([...sessions.values()], 32, async (s) => { members.push(await s.close()) })
const acked = [...sessions.values()].flatMap(s => s.acked)
port.postMessage({ type: 'done', metrics: metrics.toJSON(), acked, members })
