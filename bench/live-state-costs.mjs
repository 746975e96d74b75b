// What presence and receipts cost at one project of 300 members, each with a socket open: the
// events every client receives (by name, per second), their bytes, and the server's CPU and
// event-loop delay, in fixed-length phases:
//   idle      nothing happens but heartbeats (renewed in Redis, never sent) and Engine.IO pings
//   away/back members' tabs go idle and come back (auto-away), `--churn` changes a second
//   reconnect members' sockets close or open again, `--churn` changes a second
//   receipts  a send load; every receiver marks delivered (DMs, batched once a second like the
//             client) and marks read the room it has open (once per new message, like the client)
//   half-off  the same load with read receipts turned off for every second member
// One built instance on Postgres + Redis (a database and a Redis db of its own, reset at start).
//   NUXT_OUTPUT_DIR=.output-bench node bench/live-state-costs.mjs [--runs 3] [--phase 15]
//     [--members 300] [--team 15] [--rate 20] [--general-rate 1] [--dm-share 0.2]
//     [--general-open 0.2] [--churn 10]
// LIVE_STATE_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/chat_live_state) and
// LIVE_STATE_REDIS_URL (default redis://127.0.0.1:6379/9) pick the services.
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { connect } from '../load/lib/socket-ws.mjs'
import { request } from '../test/support/client.mjs'

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const opt = {
  runs: arg('runs', 3),
  phaseS: arg('phase', 15),
  members: arg('members', 300),
  team: arg('team', 15),
  rate: arg('rate', 20),
  generalRate: arg('general-rate', 1),
  dmShare: arg('dm-share', 0.2),
  generalOpen: arg('general-open', 0.2),
  churn: arg('churn', 10)
}

// The harness helpers read their services from these when first imported.
process.env.BENCH_DATABASE_URL = process.env.LIVE_STATE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/chat_live_state'
process.env.BENCH_REDIS_URL = process.env.LIVE_STATE_REDIS_URL ?? 'redis://127.0.0.1:6379/9'
const { ROOT, REDIS_URL, cpuMeter, ensureBuild, f, log, median, pct, resetDatabase, seedFixture, sleep, sql, startChatServer } = await import('./lib/common.mjs')

/** Every event name the server may send, from the wire contract (so a new one is counted too). */
function serverEventNames() {
  const src = readFileSync(join(ROOT, 'shared', 'events.ts'), 'utf8')
  const block = src.slice(src.indexOf('interface ServerToClientEvents'))
  return [...block.slice(0, block.indexOf('\n}')).matchAll(/^\s*'?([\w:]+)'?: \(/gm)].map(m => m[1])
}
const EVENTS = serverEventNames()

/** Adds a project-wide room with every member and one DM per member (member i with member i + n/2). */
async function addGeneralRoomAndDms(fixture) {
  const db = sql()
  const general = randomUUID()
  const half = Math.floor(fixture.users.length / 2)
  const dms = Array.from({ length: half }, (_, i) => {
    const [a, b] = [fixture.users[i].id, fixture.users[i + half].id].sort()
    return { id: randomUUID(), pair: [i, i + half], key: `${fixture.projectId}:${a}:${b}` }
  })
  await db.begin(async (tx) => {
    await tx`insert into conversations ${tx([
      { id: general, project_id: fixture.projectId, type: 'group', title: 'general', direct_key: null },
      ...dms.map(d => ({ id: d.id, project_id: fixture.projectId, type: 'direct', title: '', direct_key: d.key }))
    ])}`
    await tx`insert into conversation_participants ${tx([
      ...fixture.users.map((u, i) => ({ conversation_id: general, user_id: u.id, role: i === 0 ? 'owner' : 'member' })),
      ...dms.flatMap(d => d.pair.map(i => ({ conversation_id: d.id, user_id: fixture.users[i].id, role: 'member' })))
    ])}`
  })
  await db.end({ timeout: 5 })
  return { general, dms }
}

/** prom-client's event-loop delay p99 (ms) since the previous scrape: each scrape resets the histogram. */
async function eventLoopP99(base) {
  const text = await fetch(`${base}/metrics`).then(r => (r.ok ? r.text() : ''), () => '')
  const m = /^nodejs_eventloop_lag_p99_seconds (\S+)$/m.exec(text)
  return m ? Number(m[1]) * 1000 : NaN
}

async function redisServerPid() {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 })
  const info = await redis.info('server')
  redis.disconnect()
  return Number(/process_id:(\d+)/.exec(info)?.[1])
}

ensureBuild()
await resetDatabase()
const server = await startChatServer({ env: { PRESENCE_CHANGES_PER_MINUTE: '1000', PROFILE_CHANGES_PER_HOUR: '100000' } })
const redisPid = await redisServerPid()
const closers = []
try {
  const base = server.url
  const fixture = await seedFixture({ users: opt.members, minRoom: opt.team, maxRoom: opt.team, prefix: 'live' })
  const { general, dms } = await addGeneralRoomAndDms(fixture)
  const teamRooms = fixture.rooms.map(r => ({ id: r.id, members: r.members }))
  const dmOf = new Map(dms.flatMap(d => d.pair.map(i => [i, d.id])))
  const everyone = fixture.users.map((_, i) => i)
  const generalOpeners = Math.round(opt.members * opt.generalOpen)
  log(`${opt.members} members, ${teamRooms.length} rooms of ${opt.team}, a room of all, ${dms.length} DMs; ${generalOpeners} members have the room of all open`)

  // Counters of the current phase, summed over every client.
  let tally = { events: {}, bytes: 0, unusedReceipts: 0 }
  let lastEventAt = 0
  const counted = (name, payload) => {
    lastEventAt = performance.now()
    tally.events[name] = (tally.events[name] ?? 0) + 1
    // The text frame as sent: Engine.IO "4" + Socket.IO "2" + the JSON array.
    tally.bytes += 2 + Buffer.byteLength(JSON.stringify(payload === undefined ? [name] : [name, payload]))
  }

  /** One member as the web client behaves: reads the open room as messages come, marks DMs delivered at most once a second. */
  const members = fixture.users.map((u, i) => ({
    index: i,
    user: u,
    openRoom: i < generalOpeners ? general : teamRooms[u.room].id,
    dm: dmOf.get(i),
    socket: null,
    away: false,
    pending: new Map(),
    lastFlush: 0,
    timer: undefined
  }))
  const flushDelivered = (m) => {
    m.timer = undefined
    if (!m.socket?.connected()) return
    m.lastFlush = Date.now()
    for (const [conversationId, seq] of m.pending) m.socket.emit('delivered:mark', { conversationId, seq })
    m.pending.clear()
  }
  const onMessage = (m, { message }) => {
    if (message.senderId === m.user.id) return
    if (message.conversationId === m.openRoom) m.socket.emit('read:mark', { conversationId: message.conversationId, seq: message.seq })
    if (message.conversationId === m.dm) {
      if (message.seq <= (m.pending.get(m.dm) ?? 0)) return
      m.pending.set(m.dm, message.seq)
      m.timer ??= setTimeout(() => flushDelivered(m), Math.max(0, m.lastFlush + 1000 - Date.now()))
    }
  }
  // The web client reads a conversation's receipts again whenever it opens it: a receipt of a
  // conversation the socket does not show changes nothing its member sees.
  const RECEIPTS = new Set(['read:update', 'delivered:update'])
  const open = m => new Promise((resolve, reject) => {
    const handlers = Object.fromEntries(EVENTS.map(name => [name, (payload) => {
      counted(name, payload)
      if (RECEIPTS.has(name) && payload.conversationId !== m.openRoom) tally.unusedReceipts++
    }]))
    const s = connect(base, m.user.token, { ...handlers, connect: () => {
      // As the web client does on connect: it shows its open room, in a visible tab.
      s.emit('client:state', { visible: true, conversationId: m.openRoom })
      resolve(s)
    },
    connect_error: e => reject(new Error(`connect ${m.index}: ${e.message}`)) })
    s.on('message:new', payload => onMessage(m, payload))
    m.socket = s
  })
  for (let i = 0; i < members.length; i += 25) await Promise.all(members.slice(i, i + 25).map(open))
  closers.push(() => members.forEach(m => m.socket?.close()))
  log(`${members.length} sockets connected`)

  // What happens during a phase, started by `load` and stopped by the function it returns.
  const sends = { sent: 0, failed: 0, open: 0, ackMs: [], changes: 0 }
  const sendLoad = () => {
    const pick = xs => xs[Math.floor(Math.random() * xs.length)]
    // The room of all gets its messages on a fixed schedule: each one fans out to every member, so a
    // random count per phase would swing the totals more than anything measured.
    let owedAll = 1
    let owedRest = 1
    let last = performance.now()
    const timer = setInterval(() => {
      const now = performance.now()
      owedAll += (now - last) / 1000 * opt.generalRate
      owedRest += (now - last) / 1000 * (opt.rate - opt.generalRate)
      last = now
      const due = []
      for (; owedAll >= 1; owedAll--) due.push([general, pick(everyone)])
      for (; owedRest >= 1; owedRest--) {
        if (Math.random() * (opt.rate - opt.generalRate) < opt.dmShare * opt.rate) {
          const d = pick(dms)
          due.push([d.id, pick(d.pair)])
        } else {
          const room = pick(teamRooms)
          due.push([room.id, pick(room.members)])
        }
      }
      for (const [conversationId, sender] of due) {
        sends.sent++
        sends.open++
        const at = performance.now()
        members[sender].socket.emitWithAck('message:send', { clientId: randomUUID(), conversationId, content: `load ${sends.sent}` }, (reply) => {
          sends.open--
          sends.ackMs.push(performance.now() - at)
          if (reply?.ok) return
          if (!sends.failed++) log(`  a send failed: ${JSON.stringify(reply)}`)
        })
      }
    }, 20)
    return async () => clearInterval(timer)
  }
  // A change others see (each member has one socket): an automatic away or back (the tab idle or in
  // use again), or the socket closing or opening again.
  const churnLoad = kind => () => {
    const timer = setInterval(() => {
      const m = members[Math.floor(Math.random() * members.length)]
      sends.changes++
      if (kind === 'away') {
        if (!m.socket?.connected()) return
        m.away = !m.away
        m.socket.emit('presence:update', { status: m.away ? 'away' : 'online', auto: true })
      } else if (m.socket?.connected()) {
        m.away = false
        m.socket.close()
      } else if (!m.opening) {
        m.opening = open(m).catch(e => log(e.message)).finally(() => { m.opening = undefined })
      }
    }, 1000 / opt.churn)
    return async () => clearInterval(timer)
  }
  /** Everyone back and connected before the next phase (outside its window). */
  const restoreAll = () => Promise.all(members.map(async (m) => {
    await m.opening
    if (!m.socket?.connected()) await open(m)
    if (m.away) {
      m.away = false
      m.socket.emit('presence:update', { status: 'online', auto: true })
    }
  }))
  const setReceipts = async (sharing) => {
    const half = members.filter(m => m.index % 2 === 1)
    for (let i = 0; i < half.length; i += 20) {
      await Promise.all(half.slice(i, i + 20).map(async (m) => {
        const res = await request(base, 'PATCH', '/api/me', { token: m.user.token, body: { readReceipts: sharing } })
        if (res.status !== 200) throw new Error(`PATCH /api/me: ${res.status} ${JSON.stringify(res.body)}`)
      }))
    }
  }
  const PHASES = {
    'idle': { load: () => async () => {} },
    'away/back': { load: churnLoad('away'), after: restoreAll },
    'reconnect': { load: churnLoad('socket'), after: restoreAll },
    'receipts': { load: sendLoad },
    'half-off': { load: sendLoad, before: () => setReceipts(false), after: () => setReceipts(true) }
  }

  async function runPhase(name, seconds = opt.phaseS) {
    const phase = PHASES[name]
    await phase.before?.()
    // Starts once what came before has gone quiet (reconnected members' "online" included).
    const settle = performance.now()
    await sleep(2000)
    while (performance.now() - lastEventAt < 2000 && performance.now() - settle < 60_000) await sleep(100)
    Object.assign(sends, { sent: 0, failed: 0, ackMs: [], changes: 0 })
    await eventLoopP99(base)
    tally = { events: {}, bytes: 0, unusedReceipts: 0 }
    const client0 = process.cpuUsage()
    const meter = cpuMeter({ server: server.pid, redis: redisPid })
    const stopLoad = phase.load()
    await sleep(seconds * 1000)
    // Counted until what the phase caused has arrived: a server that falls behind keeps working after
    // the load stops, and that work is the phase's. Rates are per second of the phase's own length.
    const stopped = performance.now()
    await stopLoad()
    while ((sends.open > 0 || performance.now() - lastEventAt < 1000) && performance.now() - stopped < 120_000) await sleep(100)
    const drainS = (performance.now() - stopped) / 1000
    const cpu = meter()
    const seen = tally
    const loopP99 = await eventLoopP99(base)
    const clientCpu = process.cpuUsage(client0)
    await phase.after?.()
    const s = seconds
    const total = Object.values(seen.events).reduce((n, v) => n + v, 0)
    const r = {
      phase: name,
      sentPerS: sends.sent / s,
      changesPerS: sends.changes / s,
      eventsPerChange: sends.changes ? (seen.events['presence:change'] ?? 0) / sends.changes : NaN,
      serverCpuMsPerChange: sends.changes ? cpu.server / sends.changes : NaN,
      failed: sends.failed,
      eventsPerS: total / s,
      unusedReceiptsPerS: seen.unusedReceipts / s,
      byEvent: Object.fromEntries(Object.entries(seen.events).map(([k, v]) => [k, v / s])),
      kbPerS: seen.bytes / s / 1024,
      serverCpuMsPerS: cpu.server / s,
      serverCpuMsPerMsg: sends.sent ? cpu.server / sends.sent : NaN,
      postgresCpuMsPerS: cpu.postgres / s,
      redisCpuMsPerS: cpu.redis / s,
      loopP99,
      drainS,
      ackP50: pct(sends.ackMs, 50),
      ackP99: pct(sends.ackMs, 99),
      clientCores: (clientCpu.user + clientCpu.system) / 1000 / cpu.wallMs,
      othersCores: cpu.othersCores
    }
    log(`  ${name.padEnd(8)} ${f(r.eventsPerS, 0)} events/s ${f(r.kbPerS)} KiB/s, server ${f(r.serverCpuMsPerS, 0)} ms CPU/s, postgres ${f(r.postgresCpuMsPerS, 0)} ms/s, redis ${f(r.redisCpuMsPerS, 0)} ms/s, ack p50/p99 ${f(r.ackP50, 0)}/${f(r.ackP99, 0)} ms, drained in ${f(drainS)} s, loop p99 ${f(loopP99)} ms, sent ${f(r.sentPerS)}/s (failed ${r.failed}), ${f(r.changesPerS)} presence changes/s (${f(r.eventsPerChange, 0)} events, ${f(r.serverCpuMsPerChange, 2)} ms CPU each), client ${f(r.clientCores, 2)} cores, others ${f(r.othersCores, 2)} cores`)
    log(`    ${Object.entries(r.byEvent).map(([k, v]) => `${k} ${f(v)}`).join(', ')}; receipts of a conversation not shown ${f(r.unusedReceiptsPerS)}/s`)
    return r
  }

  // One untimed round warms the JIT, the pools and every room's first message.
  log('warm-up')
  await runPhase('receipts', 5)
  const results = []
  for (let run = 0; run < opt.runs; run++) {
    log(`run ${run + 1} of ${opt.runs}`)
    for (const name of Object.keys(PHASES)) results.push(await runPhase(name))
  }

  const med = (name, key) => median(results.filter(r => r.phase === name).map(r => r[key]))
  const medEvent = (name, event) => median(results.filter(r => r.phase === name).map(r => r.byEvent[event] ?? 0))
  console.log(`\n${opt.members} members (${teamRooms.length} rooms of ${opt.team}, one room of all, ${dms.length} DMs), phases of ${opt.phaseS} s, medians of ${opt.runs} runs;`)
  console.log(`churn ${opt.churn} changes/s; send load ${opt.rate} msg/s (${opt.generalRate}/s to the room of all, ${Math.round(opt.dmShare * 100)} % DMs), ${generalOpeners} members have the room of all open, the rest their own room.\n`)
  console.log('| phase | msgs or changes/s | events/s to clients | KiB/s to clients | server CPU ms/s | server CPU ms per msg or change | Postgres CPU ms/s | Redis CPU ms/s | event-loop p99 ms | send ack p50 ms | drain after, s |')
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |')
  for (const name of Object.keys(PHASES)) {
    const perS = med(name, 'sentPerS') || med(name, 'changesPerS')
    const perUnit = med(name, 'sentPerS') ? med(name, 'serverCpuMsPerMsg') : med(name, 'serverCpuMsPerChange')
    console.log(`| ${name} | ${f(perS)} | ${f(med(name, 'eventsPerS'), 0)} | ${f(med(name, 'kbPerS'))} | ${f(med(name, 'serverCpuMsPerS'), 0)} | ${f(perUnit, 1)} | ${f(med(name, 'postgresCpuMsPerS'), 0)} | ${f(med(name, 'redisCpuMsPerS'), 0)} | ${f(med(name, 'loopP99'))} | ${f(med(name, 'ackP50'), 0)} | ${f(med(name, 'drainS'))} |`)
  }
  const seenEvents = EVENTS.filter(e => results.some(r => r.byEvent[e]))
  console.log(`\n| events/s by name | ${Object.keys(PHASES).join(' | ')} |`)
  console.log(`| --- |${Object.keys(PHASES).map(() => ' --- |').join('')}`)
  for (const e of seenEvents) console.log(`| ${e} | ${Object.keys(PHASES).map(n => f(medEvent(n, e), 1)).join(' | ')} |`)
  console.log(`| receipts of a conversation the socket does not show (dropped by the client) | ${Object.keys(PHASES).map(n => f(med(n, 'unusedReceiptsPerS'), 1)).join(' | ')} |`)
  console.log(`\nclient process ${Object.keys(PHASES).map(n => `${n} ${f(med(n, 'clientCores'), 2)}`).join(', ')} cores; other processes ${Object.keys(PHASES).map(n => `${n} ${f(med(n, 'othersCores'), 2)}`).join(', ')} cores; failed sends ${results.reduce((n, r) => n + r.failed, 0)}`)
} finally {
  for (const close of closers) close()
  await server.stop()
}
