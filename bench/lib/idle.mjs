// Part 3: memory per idle authenticated socket. A fresh server process, warmed with a few sockets,
// then N sockets opened by a few client processes (bench/idle-clients.mjs); RSS of the server
// before and after (settled), bytes per socket = ΔRSS / N. Same for the bare Socket.IO server.
import { spawn } from 'node:child_process'
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
  const r = await call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true })
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

async function probe({ kind, fixturePath, count, processes, concurrency, warm = 20 }) {
  const nodeArgs = ['--inspect=127.0.0.1:0']
  const server = kind === 'ours' ? await startChatServer({ nodeArgs }) : await startBareServer(fixturePath, { nodeArgs })
  try {
    // Warm-up: load the lazily imported code paths (auth, rooms, presence) with a few sockets.
    const w = clients(server.url, fixturePath, 0, warm, 1, warm)
    await w.ready()
    await w.stop()
    await sleep(1500)
    const memBefore = await inspectorMemory(server)
    const before = await settledRss(server.pid)
    const t0 = performance.now()
    const c = clients(server.url, fixturePath, warm, warm + count, processes, concurrency)
    const { held, failed, note } = await c.ready()
    const connectS = (performance.now() - t0) / 1000
    await sleep(2000)
    const memAfter = await inspectorMemory(server)
    const after = await settledRss(server.pid)
    await c.stop()
    const bytesPerSocket = (after - before) / held
    const heapPerSocket = memBefore && memAfter ? (memAfter.heapUsed + memAfter.external + memAfter.arrayBuffers - memBefore.heapUsed - memBefore.external - memBefore.arrayBuffers) / held : NaN
    log(`  ${kind.padEnd(4)} ${held}/${count} sockets (${failed} failed${note ? ' ' + note : ''}) in ${connectS.toFixed(1)} s, RSS ${(before / 2 ** 20).toFixed(0)} → ${(after / 2 ** 20).toFixed(0)} MiB, ${(bytesPerSocket / 1024).toFixed(1)} KiB/socket RSS, ${(heapPerSocket / 1024).toFixed(1)} KiB/socket heap+external after GC, load ${load()[0]}`)
    return { kind, count, held, failed, connectS, connectPerS: held / connectS, rssBefore: before, rssAfter: after, bytesPerSocket, heapPerSocket, memBefore, memAfter }
  } finally {
    await server.stop()
  }
}

export async function idleSuite({ fixturePath, counts, reps, processes = 2, concurrency = 100 }) {
  const runs = []
  for (const count of counts) {
    for (let rep = 0; rep < reps; rep++) {
      for (const kind of rep % 2 ? ['bare', 'ours'] : ['ours', 'bare']) {
        const loadBefore = load()
        const r = await probe({ kind, fixturePath, count, processes: Math.max(processes, Math.ceil(count / 5000)), concurrency })
        runs.push({ ...r, rep, loadBefore })
      }
    }
  }
  const summary = {}
  for (const count of counts) {
    for (const kind of ['ours', 'bare']) {
      const rs = runs.filter(r => r.count === count && r.kind === kind)
      summary[`${kind}@${count}`] = {
        kind, count,
        held: median(rs.map(r => r.held)),
        failed: rs.reduce((n, r) => n + r.failed, 0),
        rssBeforeMiB: median(rs.map(r => r.rssBefore)) / 2 ** 20,
        rssAfterMiB: median(rs.map(r => r.rssAfter)) / 2 ** 20,
        bytesPerSocket: median(rs.map(r => r.bytesPerSocket)),
        heapPerSocket: median(rs.map(r => r.heapPerSocket)),
        heapBeforeMiB: median(rs.map(r => r.memBefore?.heapUsed ?? NaN)) / 2 ** 20,
        heapAfterMiB: median(rs.map(r => r.memAfter?.heapUsed ?? NaN)) / 2 ** 20,
        connectPerS: median(rs.map(r => r.connectPerS)),
        load: median(rs.map(r => r.loadBefore[0]))
      }
    }
  }
  return { counts, reps, summary, runs }
}
