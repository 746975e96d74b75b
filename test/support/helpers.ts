import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, inject } from 'vitest'
import { io, type Socket } from 'socket.io-client'
import type { ClientEventAck } from '#shared/events'
import type { Conversation, Message } from '#shared/types'
import { authPost, logInAccount, request, signUpAccount, TEST_PASSWORD, type AccountSession, type ErrorBody, type RequestOptions, type Response } from './client.mjs'
import type { Instance } from './instance.mjs'

// The one helper set of the vitest suites against running servers: REST, sign-in, sockets, waiting.

export { authPost, TEST_PASSWORD, type ErrorBody }

/** Base URLs of the servers under test; the first is the default. */
export const servers = () => inject('servers')
export const baseUrl = (i = 0) => servers()[i % servers().length]!

/** A signed-in user and the server it signed in on. */
export type Session = AccountSession

export type ApiResult<T> = Pick<Response<T>, 'status' | 'body'>

/**
 * A server of the file's own, started by the first call (every later call gets the same one) and
 * stopped once the file is done. `early`: started as the file begins, so it boots while the tests
 * before those that need it run. A failed start fails whoever awaits it.
 */
export function instanceOnce(start: () => Promise<Instance>, { early = false } = {}): () => Promise<Instance> {
  let started: Promise<Instance> | undefined
  const get = () => started ??= start()
  if (early) {
    beforeAll(() => {
      get().catch(() => {})
    })
  }
  afterAll(async () => {
    await (await started?.catch(() => undefined))?.stop()
  })
  return get
}

/** Plain fetch against the contract; returns status and parsed JSON (never throws on HTTP errors). */
export async function api<T = Record<string, unknown>>(base: string, method: string, path: string, opts: RequestOptions = {}): Promise<ApiResult<T>> {
  const { status, body } = await request<T>(base, method, path, opts)
  return { status, body }
}

/** The body of a 200 answer, or an error naming what failed. */
export function must<T>(res: ApiResult<T>, what: string): T {
  if (res.status !== 200) throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}

let counter = 0
/** Signs up a brand-new user (a fresh rate-limit budget per test); its password is TEST_PASSWORD. */
export function signUp(name = 'user', base = baseUrl()): Promise<Session> {
  // Display names may hold spaces and punctuation; the address keeps only what e-mail allows.
  const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${Date.now()}-${++counter}-${randomUUID().slice(0, 6)}@test.local`
  return signUpAccount(base, { email, displayName: name })
}

/** Signs in (the seeded demo users' password by default); each call opens a new session. */
export function logIn(email: string, password = 'password', base = baseUrl()): Promise<Session> {
  return logInAccount(base, email, password)
}

/**
 * A fresh project owned by `owner` with the others added as members, and a group conversation of
 * all of them, created through `base` (the owner's server by default).
 */
export async function setupConversation(owner: Session, others: Session[], title = 'team', base = owner.base): Promise<{ projectId: string, conversation: Conversation }> {
  const { project } = must(await api<{ project: { id: string } }>(base, 'POST', '/api/projects', { token: owner.token, body: { name: `p-${title}` } }), 'create project')
  for (const other of others) {
    must(await api(base, 'POST', `/api/projects/${project.id}/members`, { token: owner.token, body: { email: other.user.email, role: 'member' } }), 'add member')
  }
  const { conversation } = must(await api<{ conversation: Conversation }>(base, 'POST', `/api/projects/${project.id}/conversations`, {
    token: owner.token, body: { title, type: 'group', participantIds: others.map(o => o.user.id) }
  }), 'create conversation')
  return { projectId: project.id, conversation }
}

const sockets: Socket[] = []

/** A connected socket.io-client for the session, on its own server or on `base` (websocket first, polling fallback). */
export async function connect(session: Session, opts: { transports?: ('websocket' | 'polling')[], base?: string } = {}): Promise<Socket> {
  const socket = io(opts.base ?? session.base, { auth: { token: session.token }, transports: opts.transports ?? ['websocket', 'polling'], reconnection: false, forceNew: true })
  sockets.push(socket)
  await waitConnected(socket)
  return socket
}

/** Resolves once the socket is connected, or rejects with the connect error or after `ms`. */
export function waitConnected(socket: Socket, ms = 10000): Promise<void> {
  if (socket.connected) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('socket did not connect')), ms)
    socket.once('connect', () => { clearTimeout(timer); resolve() })
    socket.once('connect_error', (err) => { clearTimeout(timer); reject(err) })
  })
}

export function closeAllSockets() {
  for (const s of sockets.splice(0)) s.close()
}

/** Resolves with the next `event` payload matching `predicate`, or rejects after `ms`. */
export function nextEvent<T>(socket: Socket, event: string, predicate: (payload: T) => boolean = () => true, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener)
      reject(new Error(`timed out waiting for ${event}`))
    }, ms)
    const listener = (payload: T) => {
      if (!predicate(payload)) return
      clearTimeout(timer)
      socket.off(event, listener)
      resolve(payload)
    }
    socket.on(event, listener)
  })
}

/** Collects every payload of `event` until stopped. */
export function collect<T>(socket: Socket, event: string): { items: T[], stop: () => void } {
  const items: T[] = []
  const listener = (p: T) => items.push(p)
  socket.on(event, listener)
  return { items, stop: () => socket.off(event, listener) }
}

export type SendAck = ClientEventAck<'message:send'>

export function send(socket: Socket, conversationId: string, content: string, clientId: string = randomUUID(), ms = 10000): Promise<SendAck> {
  return socket.timeout(ms).emitWithAck('message:send', { clientId, conversationId, content })
}

/** Sends and returns the stored message, or fails with the server's error. */
export async function sendOk(socket: Socket, conversationId: string, content: string, clientId?: string): Promise<Message> {
  const reply = await send(socket, conversationId, content, clientId)
  if (!reply.ok) throw new Error(`send failed: ${JSON.stringify(reply.error)}`)
  return reply.message
}

/** Emits `event` and resolves with the server's acknowledgement. */
export function ack<T = { ok: boolean, error?: ErrorBody }>(socket: Socket, event: string, payload: unknown, ms = 10000): Promise<T> {
  return socket.timeout(ms).emitWithAck(event, payload)
}

export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

/** Waits until `check` holds (revocation reaches other instances within a few seconds), polling every `every` ms. */
export async function until(check: () => boolean | Promise<boolean>, ms = 5000, what = 'condition', every = 20): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(every)
  }
}

/** Trades a refresh cookie for a new access token and cookie. */
export function refresh(base: string, cookie: string) {
  return authPost(base, '/api/auth/refresh', { cookie })
}

/** GET /api/me status with a bearer token. */
export async function meStatus(base: string, token: string): Promise<number> {
  return (await api(base, 'GET', '/api/me', { token })).status
}

/** Resolves with the disconnect reason once the server drops the socket, or rejects after `ms`. */
export function disconnected(socket: Socket, ms = 5000): Promise<string> {
  if (!socket.connected) return Promise.resolve('already disconnected')
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('socket was not disconnected')), ms)
    socket.once('disconnect', (reason) => { clearTimeout(timer); resolve(reason) })
  })
}

/** The connect_error message for a socket handshake with this token ('' if it connected). */
export async function handshakeError(base: string, token: string): Promise<string> {
  const socket = io(base, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true })
  try {
    return await new Promise<string>((resolve) => {
      socket.once('connect', () => resolve(''))
      socket.once('connect_error', err => resolve(err.message))
    })
  } finally {
    socket.close()
  }
}

/** Alice (owner) and Bob in a fresh conversation, both connected, and Mallory, who is in none of it. */
export async function aliceBobAndMallory() {
  const [alice, bob, mallory] = await Promise.all([signUp('Alice'), signUp('Bob'), signUp('Mallory')])
  const { projectId, conversation } = await setupConversation(alice, [bob])
  const [a, b] = await Promise.all([connect(alice), connect(bob)])
  return { alice, bob, mallory, projectId, conversation, a, b }
}
