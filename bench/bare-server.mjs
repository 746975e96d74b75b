#!/usr/bin/env node
// The comparison point: socket.io 4.8 on a plain node http server with the chat's event names and
// ack shapes, and nothing else — no token verification (a Map lookup of the fixture's tokens), no
// validation, no database, no Redis, no markdown. message:send acks { ok, message, duplicate } and
// broadcasts message:new to the conversation room, like the real server does after its commit.
//
//   BENCH_FIXTURE=bench/results/fixture-….json PORT=3411 node bench/bare-server.mjs
import { createServer } from 'node:http'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { Server } from 'socket.io'

const fixture = JSON.parse(readFileSync(process.env.BENCH_FIXTURE, 'utf8'))
const byToken = new Map(fixture.users.map(u => [u.token, { id: u.id, displayName: u.displayName, room: fixture.rooms[u.room]?.id }]))
const seqs = new Map()

const http = createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('{"ok":true}')
    return
  }
  res.writeHead(404)
  res.end()
})
// The same engine settings as server/plugins/02.socket-io.ts.
const io = new Server(http, {
  serveClient: false,
  pingInterval: 25000,
  pingTimeout: 20000,
  maxHttpBufferSize: 1e6,
  transports: ['polling', 'websocket']
})
io.engine.on('connection', (raw) => { raw.request = null })

io.use((socket, next) => {
  const user = byToken.get(socket.handshake.auth?.token)
  if (!user) return next(new Error('UNAUTHENTICATED'))
  socket.data = user
  next()
})

io.on('connection', (socket) => {
  const user = socket.data
  socket.join([`user:${user.id}`, ...(user.room ? [`conv:${user.room}`] : [])])
  socket.on('message:send', (payload, ack) => {
    const conversationId = payload?.conversationId
    const seq = (seqs.get(conversationId) ?? 0) + 1
    seqs.set(conversationId, seq)
    const message = {
      id: randomUUID(),
      conversationId,
      seq,
      updatedSeq: seq,
      clientId: payload.clientId,
      senderId: user.id,
      sender: { id: user.id, displayName: user.displayName, avatarUrl: null },
      type: 'text',
      content: payload.content,
      contentHtml: payload.content,
      replyToId: null,
      threadRootId: null,
      replyCount: 0,
      reactions: [],
      attachments: [],
      mentions: [],
      pinnedAt: null,
      editedAt: null,
      deletedAt: null,
      createdAt: new Date().toISOString()
    }
    // Publish, then ack: the order of sendMessage() in server/services/messages/messages.ts.
    io.to(`conv:${conversationId}`).emit('message:new', { message })
    if (typeof ack === 'function') ack({ ok: true, message, duplicate: false })
  })
  socket.on('typing:start', ({ conversationId } = {}) => {
    socket.to(`conv:${conversationId}`).emit('typing:update', { conversationId, userId: user.id, displayName: user.displayName, isTyping: true })
  })
})

http.listen(Number(process.env.PORT || 3411), process.env.HOST || '127.0.0.1')
const stop = () => io.close(() => process.exit(0))
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
