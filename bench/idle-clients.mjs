#!/usr/bin/env node
// Opens idle authenticated Socket.IO sockets (websocket transport) for users FROM..TO-1 of a
// fixture and holds them until SIGTERM. Prints "ready <connected> <failed>" once all attempts
// have settled. Used by the idle-socket memory probe (bench/lib/idle.mjs), a few processes at once.
//
//   node bench/idle-clients.mjs <url> <fixture.json> <from> <to> [concurrency]
import { readFileSync } from 'node:fs'
import { io } from 'socket.io-client'

const [url, fixturePath, fromS, toS, concS] = process.argv.slice(2)
const users = JSON.parse(readFileSync(fixturePath, 'utf8')).users.slice(Number(fromS), Number(toS))
const CONCURRENCY = Number(concS || 50)
const sockets = []
let failed = 0
let firstError = null

function open(user) {
  return new Promise((resolve) => {
    const socket = io(url, { auth: { token: user.token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 30000 })
    socket.once('connect', () => { sockets.push(socket); resolve(true) })
    socket.once('connect_error', (e) => { failed++; firstError ??= e.message; socket.close(); resolve(false) })
  })
}

let next = 0
await Promise.all(Array.from({ length: Math.min(CONCURRENCY, users.length) }, async () => {
  while (next < users.length) await open(users[next++])
}))
// Sockets dropped by the server after connecting (should be none) are not counted as held.
const held = sockets.filter(s => s.connected).length
process.stdout.write(`ready ${held} ${failed}${firstError ? ' ' + JSON.stringify(firstError) : ''}\n`)
const stop = () => { for (const s of sockets) s.close(); setTimeout(() => process.exit(0), 200) }
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
setInterval(() => {}, 1 << 30)
