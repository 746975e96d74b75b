import { randomUUID } from 'node:crypto'
import { inject } from 'vitest'
import { io, type Socket } from 'socket.io-client'
import type { Conversation, Message, User } from '#shared/types'
import type { ClientEventAck } from '#shared/events'
import { api, sleep, type ApiResult, type SendAck } from '../integration/helpers'

export { api, collect, nextEvent, sleep, type ApiResult, type SendAck } from '../integration/helpers'

/** Instance A and instance B of the services project (same Postgres, same Redis). */
export const instances = () => {
  const [a, b] = inject('servers')
  if (!a || !b) throw new Error('the services project provides two servers')
  return { A: a, B: b }
}

export interface Session { token: string, user: User }

function must<T>(res: ApiResult<T>, what: string): T {
  if (res.status !== 200) throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}

export async function logIn(base: string, email: string, password = 'password'): Promise<Session> {
  const body = must(await api<{ accessToken: string, user: User }>(base, 'POST', '/api/auth/local/login', { body: { email, password } }), `login ${email}`)
  return { token: body.accessToken, user: body.user }
}

let counter = 0
/** A brand-new user: a fresh 30/min message budget. */
export async function signUp(base: string, name = 'user'): Promise<Session> {
  const email = `svc-${name.toLowerCase()}-${Date.now()}-${++counter}-${randomUUID().slice(0, 6)}@test.local`
  const body = must(await api<{ accessToken: string, user: User }>(base, 'POST', '/api/auth/local/signup', { body: { email, password: 'secret-password', displayName: name } }), 'signup')
  return { token: body.accessToken, user: body.user }
}

/** A fresh project owned by `owner` (created through `base`) with a group conversation of everyone. */
export async function groupConversation(base: string, owner: Session, others: Session[], title = 'svc'): Promise<Conversation> {
  const { project } = must(await api<{ project: { id: string } }>(base, 'POST', '/api/projects', { token: owner.token, body: { name: `svc-${title}` } }), 'create project')
  for (const other of others) {
    must(await api(base, 'POST', `/api/projects/${project.id}/members`, { token: owner.token, body: { email: other.user.email, role: 'member' } }), 'add member')
  }
  const { conversation } = must(await api<{ conversation: Conversation }>(base, 'POST', `/api/projects/${project.id}/conversations`, {
    token: owner.token, body: { title, type: 'group', participantIds: others.map(o => o.user.id) }
  }), 'create conversation')
  return conversation
}

const opened: Socket[] = []

export async function connect(base: string, session: Session): Promise<Socket> {
  const socket = io(base, { auth: { token: session.token }, transports: ['websocket'], reconnection: false, forceNew: true })
  opened.push(socket)
  await waitConnected(socket)
  return socket
}

export function waitConnected(socket: Socket, ms = 10000): Promise<void> {
  if (socket.connected) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('socket did not connect')), ms)
    socket.once('connect', () => { clearTimeout(timer); resolve() })
    socket.once('connect_error', (err) => { clearTimeout(timer); reject(err) })
  })
}

export function closeSockets() {
  for (const s of opened.splice(0)) s.close()
}

export function send(socket: Socket, conversationId: string, content: string, clientId: string = randomUUID(), ms = 10000): Promise<SendAck> {
  return socket.timeout(ms).emitWithAck('message:send', { clientId, conversationId, content })
}

export async function sendOk(socket: Socket, conversationId: string, content: string, clientId?: string): Promise<Message> {
  const reply = await send(socket, conversationId, content, clientId)
  if (!reply.ok) throw new Error(`send failed: ${JSON.stringify(reply.error)}`)
  return reply.message
}

export function emitAck<T>(socket: Socket, event: string, payload: unknown, ms = 10000): Promise<T> {
  return socket.timeout(ms).emitWithAck(event, payload)
}

/** Waits until `check` holds, polling every 20 ms. */
export async function until(check: () => boolean, ms = 5000, what = 'condition') {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

/**
 * Pages `sync:request` from `afterSeq` until `hasMore` is false; returns every page's messages in
 * the order received, the number of pages, and the final cursor.
 */
export async function syncAll(socket: Socket, conversationId: string, afterSeq: number): Promise<{ messages: Message[], pages: number, cursor: number }> {
  const messages: Message[] = []
  let cursor = afterSeq
  for (let pages = 1; pages < 100; pages++) {
    const reply = await emitAck<ClientEventAck<'sync:request'>>(socket, 'sync:request', { conversations: [{ conversationId, afterSeq: cursor }] })
    if (!reply.ok) throw new Error(`sync failed: ${JSON.stringify(reply.error)}`)
    const result = reply.results.find(r => r.conversationId === conversationId)!
    messages.push(...result.messages)
    if (result.messages.length) cursor = result.messages.at(-1)!.updatedSeq
    if (!result.hasMore) return { messages, pages, cursor: Math.max(cursor, result.lastSeq ?? 0) }
  }
  throw new Error('sync did not finish in 100 pages')
}

/** Whole history through REST, ascending by seq. */
export async function history(base: string, session: Session, conversationId: string): Promise<Message[]> {
  const all: Message[] = []
  let afterSeq = 0
  for (;;) {
    const page = must(await api<{ messages: Message[], hasMore: boolean }>(base, 'GET', `/api/conversations/${conversationId}/messages?limit=100&afterSeq=${afterSeq}`, { token: session.token }), 'history')
    all.push(...page.messages)
    if (!page.hasMore || !page.messages.length) return all
    afterSeq = page.messages.at(-1)!.seq
  }
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return Number.NaN
  const sorted = [...values].sort((x, y) => x - y)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}
