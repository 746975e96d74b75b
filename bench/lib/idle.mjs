// Part 3: memory per idle authenticated socket. A fresh server process, warmed with a few sockets,
// then N sockets opened by a few client processes (bench/idle-clients.mjs); RSS of the server
// before and after (settled), bytes per socket = ΔRSS / N. Same for the bare Socket.IO server, and
// for a second build of ours when one is given (before/after a change, in the same run).
// A count one process cannot hold (its hard open-files limit, less a reserve for the database
// pool, Redis, logs and the inspector) is spread over as many instances as it takes, ours all on the
// same Postgres and Redis; bytes per socket are then the sum of their ΔRSS over all sockets held.
import { execFileSync, spawn } from 'node:child_process'
import { join } from 'node:path'
import WebSocket from 'ws'
import { BENCH_DIR, load, log, median, rssBytes, sleep, startBareServer, startChatServer } from './common.mjs'

/**
 * Full GC and process.memoryUsage() inside the server, through its inspector (--inspect on a
 * random port): heap figures after a collection are far steadier than RSS alone.
 */
async function inspectorMemory(server) {
  const m = /Debugger listening on (ws:\/\/\S+)/.exec(server.output())
  if (!m) return null
  const ws = new WebSocket(m[1])
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject) })
  let id = 0
  const call = (method, params = {}) => new Promise((resolve) => {
    const my = ++id
    const onMsg = (data) => {
      const msg = JSON.parse(data)
      if (msg.id === my) { ws.off('message', onMsg); resolve(msg.result) }
    }
    ws.on('message', onMsg)
    ws.send(JSON.stringify({ id: my, method, params }))
  })
  await call('HeapProfiler.collectGarbage')
  await call('HeapProfiler.collectGarbage')
  // Heap spaces too: RSS beyond the live heap is mostly new space grown during the connect burst, or free old-space pages.
  const expression = `JSON.stringify({ ...process.memoryUsage(), spaces: Object.fromEntries(process.getBuiltinModule?.('v8').getHeapSpaceStatistics()
    .map(s => [s.space_name, { size: s.space_size, used: s.space_used_size }]) ?? []) })`
  const r = await call('Runtime.evaluate', { expression, returnByValue: true })
  ws.close()
  return JSON.parse(r.result.value)
}

function clients(url, fixturePath, from, to, processes, concurrency) {
  const per = Math.ceil((to - from) / processes)
  const procs = []
  for (let i = 0; i < processes; i++) {
    const a = from + i * per
    const b = Math.min(to, a + per)
    if (a >= b) break
    const child = spawn(process.execPath, [join(BENCH_DIR, 'idle-clients.mjs'), url, fixturePath, String(a), String(b), String(concurrency)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let err = ''
    child.stderr.on('data', (d) => { err += d })
    const ready = new Promise((resolve, reject) => {
      let buf = ''
      child.stdout.on('data', (d) => {
        buf += d
        const m = /ready (\d+) (\d+)(.*)/.exec(buf)
        if (m) resolve({ held: Number(m[1]), failed: Number(m[2]), note: m[3].trim() })
      })
      child.on('exit', code => reject(new Error(`idle client exited ${code}: ${err.slice(-1000)}`)))
    })
    procs.push({ child, ready })
  }
  return {
    ready: async () => {
      const rs = await Promise.all(procs.map(p => p.ready))
      return { held: rs.reduce((n, r) => n + r.held, 0), failed: rs.reduce((n, r) => n + r.failed, 0), note: rs.find(r => r.note)?.note }
    },
    stop: () => Promise.all(procs.map(p => new Promise((resolve) => {
      if (p.child.exitCode !== null) return resolve()
      p.child.once('exit', resolve)
      p.child.kill('SIGTERM')
      setTimeout(() => p.child.kill('SIGKILL'), 3000).unref()
    })))
  }
}

/** Seconds of RSS samples after settling (BENCH_IDLE_WINDOW_S): longer than the 20 s presence renewal. */
const RSS_WINDOW_S = Number(process.env.BENCH_IDLE_WINDOW_S ?? 30)

/** Waits until RSS stops growing (two samples 1 s apart within 1 %) or `maxMs`. */
async function settledRss(pid, maxMs = 8000) {
  let last = rssBytes(pid)
  const deadline = Date.now() + maxMs
  while (Date.now() < deadline) {
    await sleep(1000)
    const now = rssBytes(pid)
    if (Math.abs(now - last) / last < 0.01) return now
    last = now
  }
  return last
}

/** The hard open-files limit of processes started from here (servers and clients inherit it). */
export function hardFdLimit() {
  try {
    return Number(execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim()) || Infinity
  } catch { return Infinity }
}

// Descriptors a server needs besides its sockets: database pool, Redis connections, logs, inspector.
const FD_RESERVE = 1000

/** How many server processes `count` sockets need on this machine. */
export function instancesFor(count, fdLimit = hardFdLimit()) {
  return Math.max(1, Math.ceil(count / Math.max(1000, fdLimit - FD_RESERVE)))
}

async function probe({ kind, fixturePath, count, processes, concurrency, baselineOutputDir, warm = 20 }) {
  const nodeArgs = ['--inspect=127.0.0.1:0']
  const instances = instancesFor(count)
  const servers = []
  const start = () => kind === 'bare' ? startBareServer(fixturePath, { nodeArgs }) : startChatServer({ nodeArgs, outputDir: kind === 'base' ? baselineOutputDir : undefined })
  try {
    for (let i = 0; i < instances; i++) servers.push(await start())
    // Warm-up: load the lazily imported code paths (auth, rooms, presence) with a few sockets.
    for (const server of servers) {
      const w = clients(server.url, fixturePath, 0, warm, 1, warm)
      await w.ready()
      await w.stop()
    }
    await sleep(1500)
    const memBefore = await Promise.all(servers.map(inspectorMemory))
    const before = await Promise.all(servers.map(s => settledRss(s.pid)))
    const t0 = performance.now()
    const per = Math.ceil(count / instances)
    const cs = servers.map((server, i) => clients(server.url, fixturePath, warm + i * per, warm + Math.min(count, (i + 1) * per), Math.ceil(processes / instances), concurrency))
    const rs = await Promise.all(cs.map(c => c.ready()))
    const held = rs.reduce((n, r) => n + r.held, 0)
    const failed = rs.reduce((n, r) => n + r.failed, 0)
    const note = rs.find(r => r.note)?.note
    const connectS = (performance.now() - t0) / 1000
    await sleep(2000)
    const memAfter = await Promise.all(servers.map(inspectorMemory))
    const after = await Promise.all(servers.map(s => settledRss(s.pid)))
    const sum = xs => xs.reduce((n, x) => n + x, 0)
    // One sample lands anywhere on the saw the collector draws (young generation regrown, old-space
    // garbage until the next full GC, a presence renewal every 20 s): RSS every second over a window
    // longer than the renewal period, its median and its peak, are the steadier figures.
    const window = []
    for (let t = 0; t < RSS_WINDOW_S; t++) {
      await sleep(1000)
      window.push(sum(servers.map(s => rssBytes(s.pid))))
    }
    await Promise.all(cs.map(c => c.stop()))
    const heapOf = m => m ? m.heapUsed + m.external + m.arrayBuffers : NaN
    const bytesPerSocket = (sum(after) - sum(before)) / held
    const heapPerSocket = (sum(memAfter.map(heapOf)) - sum(memBefore.map(heapOf))) / held
    const windowPerSocket = window.length ? { median: (median(window) - sum(before)) / held, max: (Math.max(...window) - sum(before)) / held } : { median: NaN, max: NaN }
    const rssAfterEach = after.map(b => `${(b / 2 ** 20).toFixed(0)}`).join('+')
    log(`  ${kind.padEnd(4)} ${held}/${count} sockets on ${instances} instance(s) (${failed} failed${note ? ' ' + note : ''}) in ${connectS.toFixed(1)} s,`,
      `RSS ${(sum(before) / 2 ** 20).toFixed(0)} → ${rssAfterEach} MiB, ${(bytesPerSocket / 1024).toFixed(1)} KiB/socket RSS,`,
      `${(heapPerSocket / 1024).toFixed(1)} KiB/socket heap+external after GC,`,
      `over ${window.length} s: median ${(windowPerSocket.median / 1024).toFixed(1)}, peak ${(windowPerSocket.max / 1024).toFixed(1)} KiB/socket RSS, load ${load()[0]}`)
    return {
      kind, count, instances, held, failed, connectS, connectPerS: held / connectS,
      rssBefore: sum(before), rssAfter: sum(after), rssAfterEach: after, bytesPerSocket, heapPerSocket, memBefore, memAfter,
      rssWindow: window, windowMedianPerSocket: windowPerSocket.median, windowPeakPerSocket: windowPerSocket.max
    }
  } finally {
    await Promise.all(servers.map(s => s.stop()))
  }
}

/**
 * `baselineOutputDir`: a second build of our server (say, the one before a change), measured in
 * the same run as kind "base", interleaved with the others.
 */
export async function idleSuite({ fixturePath, counts, reps, processes = 2, concurrency = 100, baselineOutputDir }) {
  const runs = []
  const kinds = baselineOutputDir ? ['base', 'ours', 'bare'] : ['ours', 'bare']
  for (const count of counts) {
    for (let rep = 0; rep < reps; rep++) {
      for (const kind of rep % 2 ? [...kinds].reverse() : kinds) {
        const loadBefore = load()
        const r = await probe({ kind, fixturePath, count, processes: Math.max(processes, Math.ceil(count / 5000)), concurrency, baselineOutputDir })
        runs.push({ ...r, rep, loadBefore })
      }
    }
  }
  const summary = {}
  for (const count of counts) {
    for (const kind of kinds) {
      const rs = runs.filter(r => r.count === count && r.kind === kind)
      summary[`${kind}@${count}`] = {
        kind, count,
        instances: rs[0]?.instances ?? 1,
        held: median(rs.map(r => r.held)),
        failed: rs.reduce((n, r) => n + r.failed, 0),
        rssBeforeMiB: median(rs.map(r => r.rssBefore)) / 2 ** 20,
        rssAfterMiB: median(rs.map(r => r.rssAfter)) / 2 ** 20,
        bytesPerSocket: median(rs.map(r => r.bytesPerSocket)),
        windowMedianPerSocket: median(rs.map(r => r.windowMedianPerSocket)),
        windowPeakPerSocket: median(rs.map(r => r.windowPeakPerSocket)),
        heapPerSocket: median(rs.map(r => r.heapPerSocket)),
        // RSS read inside the server right after the forced full GC: without the young generation
        // that periodic work (pings, presence heartbeats) grows again within seconds.
        rssAtGcPerSocket: median(rs.map(r => (r.memAfter.reduce((n, m) => n + (m?.rss ?? NaN), 0) - r.memBefore.reduce((n, m) => n + (m?.rss ?? NaN), 0)) / r.held)),
        heapBeforeMiB: median(rs.map(r => r.memBefore.reduce((n, m) => n + (m?.heapUsed ?? NaN), 0))) / 2 ** 20,
        heapAfterMiB: median(rs.map(r => r.memAfter.reduce((n, m) => n + (m?.heapUsed ?? NaN), 0))) / 2 ** 20,
        connectPerS: median(rs.map(r => r.connectPerS)),
        load: median(rs.map(r => r.loadBefore[0]))
      }
    }
  }
  return { counts, reps, summary, runs }
}
