// Room fan-out at a fixed send rate, the same script for our server and for bench/bare-server.mjs.
// Every VU is one member holding one Socket.IO socket (k6/lib/socketio.js) in its room of 10–20.
// After CONNECT_S all VUs send message:send to their room, open model (no waiting for acks), so the
// whole run sends RATE messages/s for DURATION_S; every other member of the room records
// send → message:new (chat_deliver_ms), the sender records send → ack (chat_send_ack_ms).
//
//   k6 run -e BENCH_FIXTURE=/tmp/….json -e INSTANCES=http://127.0.0.1:PORT[,…] -e RATE=200 \
//          -e DURATION_S=20 bench/k6-fanout.js
import { SharedArray } from 'k6/data'
import exec from 'k6/execution'
import { Counter } from 'k6/metrics'
import { setTimeout } from 'k6/timers'
import { connect } from '../k6/lib/socketio.js'
import * as M from '../k6/lib/metrics.js'

const RATE = Number(__ENV.RATE || 100) // messages/s over all senders
const DURATION_S = Number(__ENV.DURATION_S || 20)
const CONNECT_S = Number(__ENV.CONNECT_S || 8)
const DRAIN_MS = Number(__ENV.DRAIN_MS || 3000)
const ACK_TIMEOUT_MS = Number(__ENV.ACK_TIMEOUT_MS || 10000)
const INSTANCES = (__ENV.INSTANCES || 'http://127.0.0.1:3000').split(',').map(s => s.trim()).filter(Boolean)

const USERS = new SharedArray('users', () => JSON.parse(open(__ENV.BENCH_FIXTURE)).users.map(u => ({ id: u.id, token: u.token, room: u.room })))
const ROOMS = new SharedArray('rooms', () => JSON.parse(open(__ENV.BENCH_FIXTURE)).rooms.map(r => ({ id: r.id, size: r.members.length })))
const VUS = Number(__ENV.VUS || USERS.length)

/** Deliveries the acked sends should produce (room size − 1 each); compare with chat_messages_received. */
const expected = new Counter('bench_expected_deliveries')
/** message:new for one's own message (the server emits to the whole room, sender included). */
const echoes = new Counter('bench_own_echoes')

export const options = {
  scenarios: {
    fanout: { executor: 'per-vu-iterations', vus: VUS, iterations: 1, maxDuration: `${CONNECT_S + DURATION_S + Math.ceil(DRAIN_MS / 1000) + 40}s` }
  },
  summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max', 'count'],
  setupTimeout: '30s'
}

export function setup() {
  return { startAt: Date.now() + CONNECT_S * 1000 }
}

const sleepMs = ms => new Promise(r => setTimeout(r, Math.max(0, ms)))
const WORDS = 'deploy release invoice roadmap budget meeting standup design review bugfix hotfix sprint backlog customer onboarding migration database latency dashboard incident'.split(' ')

function content(tag, sentAt) {
  const n = 3 + Math.floor(Math.random() * 25)
  const words = []
  for (let i = 0; i < n; i++) words.push(WORDS[Math.floor(Math.random() * WORDS.length)])
  let text = `[k6 ${tag} t=${sentAt}] ${words.join(' ')}`
  const r = Math.random()
  if (r < 0.02) text += '\n```js\nconst answer = 42\nconsole.log(answer)\n```'
  else if (r < 0.1) text += ' **bold** and `code`'
  return text
}

export default async function (data) {
  const vu = exec.vu.idInTest
  const user = USERS[(vu - 1) % USERS.length]
  const room = ROOMS[user.room]
  const baseUrl = INSTANCES[(vu - 1) % INSTANCES.length]
  const started = Date.now()
  let outstanding = 0
  const sock = await new Promise((resolve) => {
    const s = connect(baseUrl, user.token, {
      connect: () => { M.connectTime.add(Date.now() - started); resolve(s) },
      connect_error: (e) => { console.warn(`vu${vu} connect_error ${JSON.stringify(e)}`); resolve(null) },
      'message:new': (p) => {
        const m = p && p.message
        if (!m) return
        if (m.senderId === user.id) { echoes.add(1); return }
        const t = /t=(\d+)/.exec(m.content)
        if (t) M.deliver.add(Date.now() - Number(t[1]))
        M.received.add(1)
      }
    }, { ackTimeoutMs: ACK_TIMEOUT_MS, connectTimeoutMs: CONNECT_S * 1000 })
  })
  M.errors.add(!sock)
  if (!sock) return
  // Open model: this VU's share of RATE, first send at a random phase so VUs do not send in lockstep.
  const intervalMs = (1000 * VUS) / RATE
  const end = data.startAt + DURATION_S * 1000
  let next = data.startAt + Math.random() * intervalMs
  let n = 0
  while (true) {
    await sleepMs(next - Date.now())
    if (Date.now() >= end) break
    next += intervalMs
    const sentAt = Date.now()
    outstanding++
    sock.emitWithAck('message:send', { clientId: crypto.randomUUID(), conversationId: room.id, content: content(`${vu}.${++n}`, sentAt) }, (reply) => {
      outstanding--
      const ok = !!(reply && reply.ok === true && reply.message)
      M.errors.add(!ok)
      if (!ok) return
      M.sendAck.add(Date.now() - sentAt)
      M.sent.add(1)
      expected.add(room.size - 1)
    })
  }
  const deadline = Date.now() + ACK_TIMEOUT_MS
  while (outstanding > 0 && Date.now() < deadline) await sleepMs(50)
  await sleepMs(DRAIN_MS)
  sock.close()
}
