// Parts 1 and 5: the same load-driver run (load/run.mjs, chat members only, every member sending
// its share of the rate to its room) against our server on one instance, our server on two
// instances behind one Redis, and the bare Socket.IO server — interleaved per repetition so the
// three see the same machine.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT, cpuMeter, load, log, median, redisPid, run, startBareServer, startChatServer } from './common.mjs'

/**
 * The bench fixture (users in rooms, tokens signed by the harness) in the driver's fixture shape.
 * @param {{ projectId: string, users: { id: string, email: string, token: string, room: number }[], rooms: { id: string }[] }} fixture
 */
function driverFixture(fixture) {
  const exp = JSON.parse(Buffer.from(fixture.users[0].token.split('.')[1], 'base64url').toString()).exp
  return {
    projectId: fixture.projectId,
    password: 'unused: the harness signs the tokens',
    hotConversationId: fixture.rooms[0].id,
    users: fixture.users.map((u, index) => ({ index, id: u.id, email: u.email, token: u.token, tokenExp: exp, conversations: { room: fixture.rooms[u.room].id } }))
  }
}

/**
 * One driver run: every fixture user is a chat member; the whole run offers `rate` msg/s for
 * `durationS` (open model, fixed arrival rate). Only real-time delivery is audited (the bare
 * server has no REST and no sync). Returns the figures plus CPU used by each process.
 */
export async function runDriver({ instances, fixture, rate, durationS, serverPids, workers, bare = false }) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-load-'))
  const fixturePath = join(dir, 'fixture.json')
  writeFileSync(fixturePath, JSON.stringify(driverFixture(fixture)))
  const users = fixture.users.length
  let meter
  const res = await run(process.execPath, [join(ROOT, 'load', 'run.mjs'), 'smoke'], {
    env: {
      INSTANCES: instances.join(','),
      LOAD_FIXTURE: fixturePath,
      LOAD_SEED: '0',
      LOAD_AUDIT: '0',
      ...(bare ? { LOAD_HEALTH_PATH: '/health' } : {}),
      LOAD_REPORT_DIR: dir,
      LOAD_REPORT_NAME: 'bench',
      RETRY_RATIO: '0',
      EDIT_RATIO: '0',
      DELETE_RATIO: '0',
      // Sends only, as the k6 fan-out did: a typing:start per send would double the events.
      TYPING_RATIO: '0',
      DRAIN_MS: '2000',
      ...(workers ? { LOAD_WORKERS: String(workers) } : {}),
      LOAD_PROFILE_OVERRIDES: JSON.stringify({
        durationS,
        chat: { members: users, sendEveryS: users / rate, mix: { room: 1 } },
        history: { vus: 0 },
        search: { vus: 0 },
        storm: { members: 0 },
        hot: { listeners: 0, senders: 0 }
      })
    },
    timeoutMs: (durationS + 120) * 1000,
    onStart: (child) => {
      // CPU is metered over the whole driver run (connect + send + drain) for every process involved.
      meter = cpuMeter({ ...serverPids, redis: redisPid() })
      meter.track('driver', child.pid) // polled: /proc/<pid> is gone once it exits
    }
  })
  const cpu = meter()
  let s
  try {
    s = JSON.parse(readFileSync(join(dir, 'bench-summary.json'), 'utf8'))
  } catch {
    throw new Error(`load driver exited ${res.code} without a summary:\n${res.stderr.slice(-3000)}\n${res.stdout.slice(-2000)}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  const num = v => (v === null || v === undefined ? NaN : v)
  return {
    rate,
    sentPerS: s.counts.sent / durationS,
    deliveriesPerS: s.counts.received / durationS,
    ackP50: num(s.latencyMs.sendAck.p50),
    ackP99: num(s.latencyMs.sendAck.p99),
    deliverP50: num(s.latencyMs.deliver.p50),
    deliverP99: num(s.latencyMs.deliver.p99),
    connectP50: num(s.latencyMs.connect.p50),
    sent: s.counts.sent,
    received: s.counts.received,
    missing: s.lostDetail.ackedButMissing,
    duplicates: s.duplicates,
    errorRate: s.errorRate,
    driverLoadCpuMsPerMsg: num(s.driverCpu.msPerMessage),
    driverUsPerDelivery: num(s.driverCpu.usPerDelivery),
    cpu,
    driverExit: res.code,
    stderrTail: res.code === 0 ? undefined : res.stderr.slice(-1500)
  }
}

/**
 * reps × [ours ×1, bare, ours ×2 (when withTwo)], rotating the order each repetition.
 * `A` is a running instance of our server; a second instance is started per two-instance run.
 */
export async function fanoutSuite({ A, fixture, fixturePath, rate, durationS, reps, withTwo, withBare = true, warmup = true }) {
  const kinds = ['ours1', ...(withBare ? ['bare'] : []), ...(withTwo ? ['ours2'] : [])]
  const runs = []
  if (warmup) {
    log(`fan-out warm-up (our server, ${Math.max(5, Math.round(rate / 4))} msg/s, 5 s)`)
    await runDriver({ instances: [A.url], fixture, rate: Math.max(5, Math.round(rate / 4)), durationS: 4, serverPids: { server: A.pid } })
  }
  for (let rep = 0; rep < reps; rep++) {
    const order = kinds.map((_, i) => kinds[(i + rep) % kinds.length])
    for (const kind of order) {
      const loadBefore = load()
      let r
      if (kind === 'ours1') {
        r = await runDriver({ instances: [A.url], fixture, rate, durationS, serverPids: { server: A.pid } })
      } else if (kind === 'ours2') {
        const B = await startChatServer()
        try {
          // Warm B's JIT and pools briefly so the comparison is not about a cold process.
          await runDriver({ instances: [B.url], fixture, rate: Math.max(5, Math.round(rate / 4)), durationS: 2, serverPids: { server: B.pid } })
          r = await runDriver({ instances: [A.url, B.url], fixture, rate, durationS, serverPids: { server: A.pid, server2: B.pid } })
          if (r.errorRate > 0.01) log(`  second instance output:\n${B.output().slice(-3000)}`)
        } finally {
          await B.stop()
        }
      } else {
        const bare = await startBareServer(fixturePath)
        try {
          await runDriver({ instances: [bare.url], fixture, rate: Math.max(5, Math.round(rate / 4)), durationS: 2, serverPids: { server: bare.pid }, bare: true })
          r = await runDriver({ instances: [bare.url], fixture, rate, durationS, serverPids: { server: bare.pid }, bare: true })
        } finally {
          await bare.stop()
        }
      }
      if (r.errorRate > 0.01) log(`  ${kind}: error rate ${(r.errorRate * 100).toFixed(1)} %; server output:\n${(kind === 'bare' ? '' : A.output()).slice(-3000)}\n${r.stderrTail ?? ''}`)
      r.kind = kind
      r.rep = rep
      r.loadBefore = loadBefore
      r.loadAfter = load()
      runs.push(r)
      log(`  rep ${rep + 1} ${kind.padEnd(5)} sent ${r.sentPerS.toFixed(0)}/s deliveries ${r.deliveriesPerS.toFixed(0)}/s ack p50/p99 ${r.ackP50.toFixed(1)}/${r.ackP99.toFixed(1)} ms deliver p50/p99 ${r.deliverP50.toFixed(1)}/${r.deliverP99.toFixed(1)} ms missing ${r.missing} err ${(r.errorRate * 100).toFixed(2)}% load ${r.loadBefore[0]}, other processes ${r.cpu.othersCores.toFixed(2)} cores`)
    }
  }
  const summary = Object.fromEntries(kinds.map((kind) => {
    const rs = runs.filter(r => r.kind === kind)
    const med = k => median(rs.map(r => r[k]))
    const cpuPer1k = k => median(rs.map(r => (r.cpu[k] ?? NaN) / r.sent * 1000))
    const serverCpu = rs.map(r => ((r.cpu.server ?? 0) + (r.cpu.server2 ?? 0)) / r.sent * 1000)
    return [kind, {
      runs: rs.length,
      sentPerS: med('sentPerS'),
      deliveriesPerS: med('deliveriesPerS'),
      ackP50: med('ackP50'),
      ackP99: med('ackP99'),
      deliverP50: med('deliverP50'),
      deliverP99: med('deliverP99'),
      missing: rs.reduce((n, r) => n + (Number.isFinite(r.missing) ? r.missing : 0), 0),
      errorRate: med('errorRate'),
      serverCpuMsPer1kMsgs: median(serverCpu),
      postgresCpuMsPer1kMsgs: cpuPer1k('postgres'),
      redisCpuMsPer1kMsgs: cpuPer1k('redis'),
      driverCpuMsPer1kMsgs: cpuPer1k('driver'),
      driverLoadCpuMsPer1kMsgs: med('driverLoadCpuMsPerMsg') * 1000,
      driverUsPerDelivery: med('driverUsPerDelivery'),
      duplicates: rs.reduce((n, r) => n + (r.duplicates || 0), 0),
      load: median(rs.map(r => r.loadBefore[0])),
      othersCores: median(rs.map(r => r.cpu.othersCores))
    }]
  }))
  return { rate, durationS, reps, users: fixture.users.length, rooms: fixture.rooms.length, summary, runs }
}

export function writeFixture(fixture) {
  const path = join(mkdtempSync(join(tmpdir(), 'bench-fixture-')), 'fixture.json')
  writeFileSync(path, JSON.stringify(fixture))
  return path
}
