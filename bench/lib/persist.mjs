// Part 2: persisted messages/s through our server (closed loop: each sender sends its next
// message:send when the previous one is acked, i.e. committed) vs the raw insert rate of the same
// Postgres database with pgbench at the server's pool size, in three shapes:
//   insert      one autocommit INSERT of a message row per transaction (no counter)
//   tx          sendMessage's transaction: UPDATE the conversation counter … RETURNING, INSERT the
//               row, UPDATE the sender's last_read_seq, COMMIT (what every message:send commits)
//   tx×50       the same transaction taking 50 counter values and inserting 50 rows at once:
//               the shape of a micro-batched / group-committed sendMessage
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { io } from 'socket.io-client'
import { DATABASE_URL, cpuMeter, dbStats, load, log, median, pct, redisPid, run, sleep, sql } from './common.mjs'

function connect(url, token) {
  const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true })
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket))
    socket.once('connect_error', reject)
  })
}

/** Closed loop over `concurrency` senders, each in its own room (no counter contention). */
export async function oursClosedLoop({ server, fixture, concurrency, seconds }) {
  const senders = []
  for (let k = 0; senders.length < concurrency && k < fixture.rooms.length; k++) {
    const room = fixture.rooms[k]
    const user = fixture.users[room.members[0]]
    senders.push({ room: room.id, socket: await connect(server.url, user.token) })
  }
  const latencies = []
  let errors = 0
  let firstError
  const stats0 = await dbStats()
  const meter = cpuMeter({ server: server.pid, redis: redisPid(), client: process.pid })
  const started = performance.now()
  const end = started + seconds * 1000
  await Promise.all(senders.map(async ({ room, socket }) => {
    let n = 0
    while (performance.now() < end) {
      const t0 = performance.now()
      const ack = await socket.timeout(15000).emitWithAck('message:send', {
        clientId: randomUUID(), conversationId: room, content: `persist bench ${++n} deploy release roadmap budget meeting standup`
      }).catch(e => ({ ok: false, error: { code: e.message } }))
      if (ack.ok) latencies.push(performance.now() - t0)
      else { errors++; firstError ??= ack.error }
    }
  }))
  const elapsed = (performance.now() - started) / 1000
  const cpu = meter()
  for (const s of senders) s.socket.close()
  await sleep(1200) // statistics reach pg_stat_database after about a second
  const stats1 = await dbStats()
  const per = k => (stats1[k] - stats0[k]) / latencies.length
  return {
    perSecond: latencies.length / elapsed, ackP50: pct(latencies, 50), ackP99: pct(latencies, 99),
    acked: latencies.length, errors, firstError, senders: senders.length,
    othersCores: cpu.othersCores,
    serverCpuMsPerMsg: cpu.server / latencies.length, postgresCpuMsPerMsg: cpu.postgres / latencies.length,
    // Database work per message: autocommit statements and transactions both count as commits.
    commitsPerMsg: per('commits'), rowsFetchedPerMsg: per('fetched'), rowsUpdatedPerMsg: per('updated')
  }
}

/** Scratch objects pgbench needs: a numbered list of conversations and a sender per conversation. */
export async function preparePgbench(fixture, clients) {
  const db = sql()
  await db.unsafe('drop table if exists bench_convs; create table bench_convs (n int primary key, id uuid not null, sender uuid not null)')
  const rows = fixture.rooms.slice(0, Math.max(clients, 1) * 4).map((r, i) => ({ n: i + 1, id: r.id, sender: fixture.users[r.members[0]].id }))
  await db`insert into bench_convs ${db(rows)}`
  await db.end({ timeout: 5 })
  return rows.length
}

const CONTENT = `'pgbench deploy release roadmap budget meeting standup ' || md5(random()::text)`
const SCRIPTS = {
  'insert': n => `
\\set c random(1, ${n})
INSERT INTO messages (conversation_id, seq, updated_seq, client_id, sender_id, content, content_html)
  SELECT id, nextval('bench_raw_seq'), currval('bench_raw_seq'), gen_random_uuid(), sender, ${CONTENT}, '<p>x</p>'
  FROM bench_convs WHERE n = :c;
`,
  'tx': n => `
\\set c random(1, ${n})
BEGIN;
SELECT id AS cid, sender AS sid FROM bench_convs WHERE n = :c \\gset
UPDATE conversations SET last_seq = last_seq + 1, last_message_at = now() WHERE id = :cid RETURNING last_seq \\gset
INSERT INTO messages (conversation_id, seq, updated_seq, client_id, sender_id, content, content_html)
  VALUES (:cid, :last_seq, :last_seq, gen_random_uuid(), :sid, ${CONTENT}, '<p>x</p>') RETURNING *;
UPDATE conversation_participants SET last_read_seq = greatest(last_read_seq, :last_seq) WHERE conversation_id = :cid AND user_id = :sid;
COMMIT;
`,
  'tx×50': n => `
\\set c random(1, ${n})
BEGIN;
SELECT id AS cid, sender AS sid FROM bench_convs WHERE n = :c \\gset
UPDATE conversations SET last_seq = last_seq + 50, last_message_at = now() WHERE id = :cid RETURNING last_seq \\gset
INSERT INTO messages (conversation_id, seq, updated_seq, client_id, sender_id, content, content_html)
  SELECT :cid::uuid, :last_seq::bigint - 50 + g, :last_seq::bigint - 50 + g, gen_random_uuid(), :sid::uuid, ${CONTENT}, '<p>x</p>' FROM generate_series(1, 50) g RETURNING id;
UPDATE conversation_participants SET last_read_seq = greatest(last_read_seq, :last_seq) WHERE conversation_id = :cid AND user_id = :sid;
COMMIT;
`
}

/** One pgbench run: rows/s and per-transaction latency percentiles from its transaction log. */
export async function pgbench({ shape, clients, seconds, convCount }) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-pgbench-'))
  const script = join(dir, 'script.sql')
  writeFileSync(script, SCRIPTS[shape](convCount))
  const db = sql({ max: 1 })
  await db.unsafe('create sequence if not exists bench_raw_seq start 1000000000')
  await db.end({ timeout: 5 })
  const u = new URL(DATABASE_URL)
  const meter = cpuMeter({})
  const res = await run('pgbench', ['-n', '-M', 'prepared', '-f', script, '-c', String(clients), '-j', '2', '-T', String(seconds),
    '-l', '--log-prefix', join(dir, 'log'), '-h', u.hostname, '-p', u.port, '-U', u.username, u.pathname.slice(1)], {
    env: { PGPASSWORD: decodeURIComponent(u.password) }, timeoutMs: (seconds + 60) * 1000, cwd: dir, onStart: child => meter.track('pgbench', child.pid)
  })
  const cpu = meter()
  if (res.code !== 0) throw new Error(`pgbench ${shape} failed:\n${res.stderr.slice(-2000)}`)
  const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(res.stdout)?.[1])
  const lat = []
  for (const name of readdirSync(dir).filter(n => n.startsWith('log'))) {
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      const p = line.split(' ')
      if (p.length >= 3) lat.push(Number(p[2]) / 1000)
    }
  }
  rmSync(dir, { recursive: true, force: true })
  const rowsPerTx = shape === 'tx×50' ? 50 : 1
  return { shape, tps, rowsPerS: tps * rowsPerTx, txP50: pct(lat, 50), txP99: pct(lat, 99), postgresCpuMsPerRow: cpu.postgres / (tps * seconds * rowsPerTx), othersCores: cpu.othersCores }
}

export async function persistSuite({ server, fixture, concurrency, poolSize, seconds, reps, shapes = ['insert', 'tx', 'tx×50'] }) {
  const convCount = await preparePgbench(fixture, poolSize)
  const runs = []
  // Warm-up of the server's send path.
  await oursClosedLoop({ server, fixture, concurrency, seconds: 2 })
  for (let rep = 0; rep < reps; rep++) {
    const kinds = ['ours', ...shapes]
    const order = kinds.map((_, i) => kinds[(i + rep) % kinds.length])
    for (const kind of order) {
      const loadBefore = load()
      const r = kind === 'ours'
        ? { kind, ...(await oursClosedLoop({ server, fixture, concurrency, seconds })) }
        : { kind, ...(await pgbench({ shape: kind, clients: poolSize, seconds, convCount })) }
      r.rep = rep
      r.loadBefore = loadBefore
      runs.push(r)
      const rate = r.perSecond ?? r.rowsPerS
      log(`  rep ${rep + 1} ${kind.padEnd(6)} ${rate.toFixed(0)} rows/s p50/p99 ${(r.ackP50 ?? r.txP50).toFixed(1)}/${(r.ackP99 ?? r.txP99).toFixed(1)} ms${r.errors ? ` errors ${r.errors} ${JSON.stringify(r.firstError)}` : ''} load ${loadBefore[0]}, other processes ${r.othersCores.toFixed(2)} cores`)
      await sleep(500)
    }
  }
  const summary = {}
  for (const kind of ['ours', ...shapes]) {
    const rs = runs.filter(r => r.kind === kind)
    const med = pick => median(rs.map(pick))
    const machine = { load: med(r => r.loadBefore[0]), othersCores: med(r => r.othersCores) }
    summary[kind] = kind === 'ours'
      ? {
          perSecond: med(r => r.perSecond), p50: med(r => r.ackP50), p99: med(r => r.ackP99), errors: rs.reduce((n, r) => n + r.errors, 0),
          serverCpuMsPerMsg: med(r => r.serverCpuMsPerMsg), commitsPerMsg: med(r => r.commitsPerMsg), postgresCpuMsPerMsg: med(r => r.postgresCpuMsPerMsg), ...machine
        }
      : { perSecond: med(r => r.rowsPerS), p50: med(r => r.txP50), p99: med(r => r.txP99), postgresCpuMsPerMsg: med(r => r.postgresCpuMsPerRow), ...machine }
  }
  return { concurrency, poolSize, seconds, reps, summary, runs }
}
