import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { io, type Socket } from 'socket.io-client'
import type { ClientEventAck } from '#shared/events'
import type { Message } from '#shared/types'
import { freePort } from '../support/instance.mjs'
import { ack, closeAllSockets, connect, nextEvent, sendOk, setupConversation, signUp, until, waitConnected } from '../support/helpers'
import { instances } from './helpers'

// deploy/nginx.conf in front of the two instances of this project, as deploy/compose.yaml runs it:
// Socket.IO over long-polling must stay on the instance that opened the session, websockets must
// upgrade through it, and messages must cross between instances behind it.

const root = resolve(import.meta.dirname, '..', '..')
const nginxBin = ['/usr/sbin/nginx', '/usr/bin/nginx'].find(existsSync) ?? (spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).stdout.trim() || null)

interface AccessLine { uri: string, status: number, upstream: string, key: string }

let nginx: ChildProcess | undefined
let dir = ''
let lb = ''
let errors = ''
const pollers: Socket[] = []

/** The access lines nginx wrote so far (deploy/nginx.conf's `chat` format). */
function accessLines(): AccessLine[] {
  const log = existsSync(join(dir, 'access.log')) ? readFileSync(join(dir, 'access.log'), 'utf8') : ''
  return [...log.matchAll(/"\w+ (\S+)" (\d{3}) \d+ \S+ upstream=(.+?) lb=(\w+) id=/g)]
    .map(m => ({ uri: m[1]!, status: Number(m[2]), upstream: m[3]!, key: m[4]! }))
}

/** A socket.io client through the load balancer on long-polling only, keeping cookies like a browser does. */
async function pollingClient(token: string): Promise<Socket> {
  const socket = io(lb, { auth: { token }, transports: ['polling'], withCredentials: true, reconnection: false, forceNew: true })
  pollers.push(socket)
  await waitConnected(socket)
  return socket
}

beforeAll(async () => {
  if (!nginxBin) throw new Error('nginx is not installed (Debian: apt-get install nginx-light; .ci/run installs it)')
  const { A, B } = instances()
  dir = mkdtempSync(join(tmpdir(), 'chat-lb-'))
  const port = await freePort()
  lb = `http://127.0.0.1:${port}`
  const render = spawnSync('bash', [join(root, 'scripts/deploy-check.sh'), '--render', dir], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin`, DEPLOY_UPSTREAMS: `${new URL(A).host} ${new URL(B).host}`, DEPLOY_LISTEN: `127.0.0.1:${port}` }
  })
  if (render.status !== 0) throw new Error(`scripts/deploy-check.sh failed (${render.status}):\n${render.stdout}\n${render.stderr}`)
  nginx = spawn(nginxBin, ['-e', 'stderr', '-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] })
  nginx.stderr!.on('data', (d) => { errors += d })
  await until(() => fetch(`${lb}/api/health`).then(r => r.ok, () => false), 10000, 'nginx in front of both instances')
    .catch((error: Error) => { throw new Error(`${error.message}\n${errors}`) })
})

afterEach(() => {
  closeAllSockets()
  for (const s of pollers.splice(0)) s.close()
})

afterAll(async () => {
  if (nginx && nginx.exitCode === null) {
    const exited = new Promise(done => nginx!.once('close', done))
    nginx.kill('SIGQUIT')
    setTimeout(() => nginx?.kill('SIGKILL'), 5000).unref()
    await exited
  }
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('deploy/nginx.conf in front of two instances', () => {
  it('keeps every long-polling client on one instance, spreads clients over both, and upgrades websockets', async () => {
    const { A, B } = instances()
    const upstreams = [new URL(A).host, new URL(B).host]
    const alice = await signUp('Alice', lb)
    const bob = await signUp('Bob', lb)
    const { conversation } = await setupConversation(alice, [bob], 'behind-lb', lb)

    // Bob on a websocket through nginx; Alice on many polling-only clients, as browsers would be
    // where websockets are blocked. Each client's first response hands it its routing cookie.
    const bobSocket = await connect(bob, { base: lb, transports: ['websocket'] })
    const clients: Socket[] = []
    const instancesUsed = () => new Set(accessLines().filter(l => l.uri.startsWith('/socket.io/')).map(l => l.upstream))
    while (clients.length < 12 || (instancesUsed().size < 2 && clients.length < 40)) clients.push(await pollingClient(alice.token))

    // Several round trips each: every emit is a POST and every ack arrives on a GET poll.
    for (let round = 0; round < 4; round++) {
      const replies = await Promise.all(clients.map(c => ack<ClientEventAck<'sync:request'>>(c, 'sync:request', { conversations: [{ conversationId: conversation.id, afterSeq: 0 }] })))
      for (const reply of replies) expect(reply.ok).toBe(true)
    }
    // Across instances behind the balancer: polling -> websocket, and websocket -> every poller.
    const toBob = nextEvent<{ message: Message }>(bobSocket, 'message:new', p => p.message.content === 'from a poller')
    const sent = await sendOk(clients[0]!, conversation.id, 'from a poller')
    expect((await toBob).message.id).toBe(sent.id)
    const toPollers = clients.map(c => nextEvent<{ message: Message }>(c, 'message:new', p => p.message.content === 'from bob', 10000))
    await sendOk(bobSocket, conversation.id, 'from bob')
    await Promise.all(toPollers)
    for (const c of clients) expect(c.connected && c.io.engine.transport.name).toBe('polling')

    const socketLines = accessLines().filter(l => l.uri.startsWith('/socket.io/'))
    // A poll on the wrong instance answers 400 (unknown session id): none may have happened.
    expect(socketLines.filter(l => l.status >= 400)).toEqual([])
    const byKey = new Map<string, Set<string>>()
    const countByKey = new Map<string, number>()
    for (const line of socketLines) {
      byKey.set(line.key, (byKey.get(line.key) ?? new Set()).add(line.upstream))
      countByKey.set(line.key, (countByKey.get(line.key) ?? 0) + 1)
    }
    const pollingKeys = [...countByKey].filter(([, n]) => n >= 8).map(([key]) => key)
    expect(pollingKeys.length).toBeGreaterThanOrEqual(clients.length)
    for (const key of pollingKeys) expect([...byKey.get(key)!], `requests of routing key ${key}`).toHaveLength(1)
    expect([...instancesUsed()].sort()).toEqual([...upstreams].sort())
    // Bob's websocket: upgraded (101) through nginx, which logs it once it closes.
    expect(bobSocket.io.engine.transport.name).toBe('websocket')
    bobSocket.close()
    await until(() => accessLines().some(l => l.uri.startsWith('/socket.io/') && l.status === 101), 5000, 'the websocket upgrade in the access log')
    console.log(`[deploy-lb] ${clients.length} polling clients over ${socketLines.length} Socket.IO requests, each on one instance; instances used: ${[...instancesUsed()].join(', ')}`)
  })

  it('answers sign-in and health through the balancer with the routing cookie set once', async () => {
    const first = await fetch(`${lb}/api/health`)
    expect(first.status).toBe(200)
    const cookie = first.headers.getSetCookie().find(c => c.startsWith('chat_lb='))
    expect(cookie).toMatch(/^chat_lb=[0-9a-f]{32}; Path=\/; HttpOnly; SameSite=Lax$/)
    const again = await fetch(`${lb}/api/health`, { headers: { cookie: cookie!.split(';')[0]! } })
    expect(again.headers.getSetCookie().filter(c => c.startsWith('chat_lb='))).toEqual([])
    // A client that keeps its cookie reaches the same instance every time.
    const key = cookie!.split(';')[0]!.split('=')[1]!
    for (let i = 0; i < 5; i++) await fetch(`${lb}/api/health`, { headers: { cookie: `chat_lb=${key}` } })
    const upstreamsOfKey = new Set(accessLines().filter(l => l.key === key).map(l => l.upstream))
    expect(upstreamsOfKey.size).toBe(1)
  })
})
