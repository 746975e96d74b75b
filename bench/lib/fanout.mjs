// Parts 1 and 5: the same k6 scenario (bench/k6-fanout.js) against our server on one instance,
// our server on two instances behind one Redis, and the bare Socket.IO server — interleaved per
// repetition so the three see the same machine.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BENCH_DIR, K6, cpuMeter, cpuMs, load, log, median, redisPid, run, startBareServer, startChatServer } from './common.mjs'

/** One k6 run; returns the figures of the summary plus CPU used by each process. */
export async function runK6({ instances, fixturePath, rate, durationS, connectS = 6, serverPids }) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-k6-'))
  const summary = join(dir, 'summary.json')
  let meter
  const res = await run(K6, ['run', '--quiet', '--no-color', '--summary-export', summary, join(BENCH_DIR, 'k6-fanout.js')], {
    env: {
      BENCH_FIXTURE: fixturePath,
      INSTANCES: instances.join(','),
      RATE: String(rate),
      DURATION_S: String(durationS),
      CONNECT_S: String(connectS),
      DRAIN_MS: '2000',
      K6_NO_USAGE_REPORT: 'true'
    },
    timeoutMs: (durationS + connectS + 90) * 1000,
    onStart: (child) => {
      // CPU is metered over the whole k6 run (connect + send + drain) for every process involved.
      meter = cpuMeter({ ...serverPids, redis: redisPid() })
      meter.track('k6', child.pid) // polled: /proc/<pid> is gone once it exits
    }
  })
  const cpu = meter()
  let s
  try {
    s = JSON.parse(readFileSync(summary, 'utf8')).metrics
  } catch {
    throw new Error(`k6 exited ${res.code} without a summary:\n${res.stderr.slice(-3000)}\n${res.stdout.slice(-2000)}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  const m = (name, stat) => s[name]?.[stat] ?? NaN
  const sent = m('chat_messages_sent', 'count')
  const received = m('chat_messages_received', 'count')
  const expected = m('bench_expected_deliveries', 'count')
  return {
    rate,
    sentPerS: sent / durationS,
    deliveriesPerS: received / durationS,
    ackP50: m('chat_send_ack_ms', 'med'),
    ackP99: m('chat_send_ack_ms', 'p(99)'),
    deliverP50: m('chat_deliver_ms', 'med'),
    deliverP99: m('chat_deliver_ms', 'p(99)'),
    connectP50: m('chat_connect_ms', 'med'),
    sent,
    received,
    missing: Number.isFinite(expected) ? expected - received : NaN,
    errorRate: m('chat_errors', 'value'),
    cpu,
    k6Exit: res.code,
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
    await runK6({ instances: [A.url], fixturePath, rate: Math.max(5, Math.round(rate / 4)), durationS: 4, connectS: 4, serverPids: { server: A.pid } })
  }
  for (let rep = 0; rep < reps; rep++) {
    const order = kinds.map((_, i) => kinds[(i + rep) % kinds.length])
    for (const kind of order) {
      const loadBefore = load()
      let r
      if (kind === 'ours1') {
        r = await runK6({ instances: [A.url], fixturePath, rate, durationS, serverPids: { server: A.pid } })
      } else if (kind === 'ours2') {
        const B = await startChatServer()
        try {
          // Warm B's JIT and pools briefly so the comparison is not about a cold process.
          await runK6({ instances: [B.url], fixturePath, rate: Math.max(5, Math.round(rate / 4)), durationS: 2, connectS: 3, serverPids: { server: B.pid } })
          r = await runK6({ instances: [A.url, B.url], fixturePath, rate, durationS, serverPids: { server: A.pid, server2: B.pid } })
          if (r.errorRate > 0.01) log(`  second instance output:\n${B.output().slice(-3000)}`)
        } finally {
          await B.stop()
        }
      } else {
        const bare = await startBareServer(fixturePath)
        try {
          await runK6({ instances: [bare.url], fixturePath, rate: Math.max(5, Math.round(rate / 4)), durationS: 2, connectS: 3, serverPids: { server: bare.pid } })
          r = await runK6({ instances: [bare.url], fixturePath, rate, durationS, serverPids: { server: bare.pid } })
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
      k6CpuMsPer1kMsgs: cpuPer1k('k6'),
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
