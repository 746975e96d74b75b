#!/usr/bin/env node
// Which Socket.IO client should the load driver use? Both client surfaces of load/lib
// (socket-ws.mjs: ws + socket.io-parser; socket-sio.mjs: socket.io-client) drive the same fan-out
// against bench/bare-server.mjs — 300 members in 20 rooms of 15, every member sending its share of
// RATE msg/s (open model) — and each client process reports its own CPU per message sent and per
// delivery received. Interleaved, repeated, medians.
//
//   node bench/client-cost.mjs [--rate 100] [--seconds 8] [--reps 3] [--users 300]
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { log, median, startBareServer } from './lib/common.mjs'

const KINDS = { 'ws': '../load/lib/socket-ws.mjs', 'socket.io-client': '../load/lib/socket-sio.mjs' }

if (process.argv[2] === '--worker') {
  await worker(JSON.parse(process.argv[3]))
} else {
  await main()
}

async function main() {
  const { values: a } = parseArgs({ options: { rate: { type: 'string', default: '100' }, seconds: { type: 'string', default: '8' }, reps: { type: 'string', default: '3' }, users: { type: 'string', default: '300' } } })
  const users = Number(a.users)
  const roomSize = 15
  const fixture = { users: [], rooms: [] }
  for (let i = 0; i < users; i++) {
    if (i % roomSize === 0) fixture.rooms.push({ id: randomUUID(), members: [] })
    const room = fixture.rooms.length - 1
    fixture.rooms[room].members.push(i)
    fixture.users.push({ id: randomUUID(), displayName: `u${i}`, token: randomUUID(), room })
  }
  const dir = mkdtempSync(join(tmpdir(), 'client-cost-'))
  const fixturePath = join(dir, 'fixture.json')
  writeFileSync(fixturePath, JSON.stringify(fixture))
  const server = await startBareServer(fixturePath)
  const runs = []
  try {
    for (let rep = 0; rep < Number(a.reps); rep++) {
      const order = rep % 2 ? Object.keys(KINDS).reverse() : Object.keys(KINDS)
      for (const kind of order) {
        const r = await runWorker({ kind, url: server.url, fixture, rate: Number(a.rate), seconds: Number(a.seconds) })
        runs.push({ kind, rep, ...r })
        log(`rep ${rep + 1} ${kind.padEnd(16)} sent ${r.sent} deliveries ${r.delivered} CPU ${r.cpuMs.toFixed(0)} ms → ${(r.cpuMs / r.sent).toFixed(3)} ms/msg, ${(r.cpuMs / r.delivered * 1000).toFixed(1)} µs/delivery`)
      }
    }
  } finally {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  }
  const summary = Object.fromEntries(Object.keys(KINDS).map((kind) => {
    const rs = runs.filter(r => r.kind === kind)
    return [kind, {
      msPerMessage: median(rs.map(r => r.cpuMs / r.sent)),
      usPerDelivery: median(rs.map(r => (r.cpuMs / r.delivered) * 1000)),
      connectMsPerSocket: median(rs.map(r => r.connectCpuMs / users)),
      sent: median(rs.map(r => r.sent)),
      delivered: median(rs.map(r => r.delivered))
    }]
  }))
  console.log(JSON.stringify({ rate: Number(a.rate), seconds: Number(a.seconds), users, roomSize, summary, runs }, null, 2))
}

function runWorker(spec) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--worker', JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d) => { out += d })
    child.on('exit', code => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`worker ${spec.kind} exited ${code}`))))
  })
}

async function worker({ kind, url, fixture, rate, seconds }) {
  const { connect } = await import(KINDS[kind])
  const cpu0 = process.cpuUsage()
  let delivered = 0
  let sent = 0
  const sockets = await Promise.all(fixture.users.map(u => new Promise((resolve, reject) => {
    const s = connect(url, u.token, {
      'connect': () => resolve(s),
      'connect_error': e => reject(new Error(e.message)),
      'message:new': (p) => { if (p.message.senderId !== u.id) delivered++ }
    })
  })))
  const c1 = process.cpuUsage(cpu0)
  const connectCpuMs = (c1.user + c1.system) / 1000
  const cpuStart = process.cpuUsage()
  const intervalMs = (1000 * sockets.length) / rate
  const end = Date.now() + seconds * 1000
  let outstanding = 0
  await Promise.all(sockets.map(async (s, i) => {
    const u = fixture.users[i]
    const room = fixture.rooms[u.room].id
    let next = Date.now() + Math.random() * intervalMs
    for (;;) {
      await new Promise(r => setTimeout(r, Math.max(0, next - Date.now())))
      if (Date.now() >= end) break
      next += intervalMs
      outstanding++
      s.emitWithAck('message:send', { clientId: randomUUID(), conversationId: room, content: `[bench t=${Date.now()}] deploy release invoice roadmap budget meeting standup design review` }, (reply) => {
        outstanding--
        if (reply?.ok) sent++
      })
    }
  }))
  while (outstanding > 0) await new Promise(r => setTimeout(r, 20))
  await new Promise(r => setTimeout(r, 300))
  const c = process.cpuUsage(cpuStart)
  for (const s of sockets) s.close()
  process.stdout.write(JSON.stringify({ sent, delivered, cpuMs: (c.user + c.system) / 1000, connectCpuMs }))
  process.exit(0)
}
