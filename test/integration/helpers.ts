import { randomUUID } from 'node:crypto'
import { inject } from 'vitest'
import { io, type Socket } from 'socket.io-client'
import type { ClientEventAck } from '#shared/events'
import type { Conversation, User } from '#shared/types'

/** Base URLs of the servers under test; the first is the default. */
export const servers = () => inject('servers')
export const baseUrl = (i = 0) => servers()[i % servers().length]!

export interface Session { token: string, user: User, base: string }

export interface ApiResult<T> { status: number, body: T & { error?: { code: string, message: string, details?: Record<string, unknown> } } }

/** Plain fetch against the contract; returns status and parsed JSON (never throws on HTTP errors). */
export async function api<T = Record<string, unknown>>(base: string, method: string, path: string, opts: { token?: string, body?: unknown, raw?: string } = {}): Promise<ApiResult<T>> {
  const headers: Record<string, string> = {}
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  if (opts.body !== undefined || opts.raw !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(base + path, { method, headers, body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)) })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : {} }
}

let counter = 0
/** Signs up a brand-new user (fresh rate-limit budget per test). */
export async function signUp(name = 'user', base = baseUrl()): Promise<Session> {
  const email = `${name.toLowerCase()}-${Date.now()}-${++counter}-${randomUUID().slice(0, 6)}@test.local`
  const res = await api<{ accessToken: string, user: User }>(base, 'POST', '/api/auth/local/signup', { body: { email, password: 'secret-password', displayName: name } })
  if (res.status !== 200) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`)
  return { token: res.body.accessToken, user: res.body.user, base }
}

export async function logIn(email: string, password = 'password', base = baseUrl()): Promise<Session> {
  const res = await api<{ accessToken: string, user: User }>(base, 'POST', '/api/auth/local/login', { body: { email, password } })
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`)
  return { token: res.body.accessToken, user: res.body.user, base }
}

/** A fresh project owned by `owner` with the others added as members, and a group conversation of all of them. */
export async function setupConversation(owner: Session, others: Session[], title = 'team'): Promise<{ projectId: string, conversation: Conversation }> {
  const project = await api<{ project: { id: string } }>(owner.base, 'POST', '/api/projects', { token: owner.token, body: { name: `p-${title}` } })
  const projectId = project.body.project.id
  for (const other of others) {
    const added = await api(owner.base, 'POST', `/api/projects/${projectId}/members`, { token: owner.token, body: { email: other.user.email, role: 'member' } })
    if (added.status !== 200) throw new Error(`add member failed: ${JSON.stringify(added.body)}`)
  }
  const created = await api<{ conversation: Conversation }>(owner.base, 'POST', `/api/projects/${projectId}/conversations`, {
    token: owner.token, body: { title, type: 'group', participantIds: others.map(o => o.user.id) }
  })
  if (created.status !== 200) throw new Error(`create conversation failed: ${JSON.stringify(created.body)}`)
  return { projectId, conversation: created.body.conversation }
}

const sockets: Socket[] = []

/** A connected socket.io-client for the session (websocket first, polling fallback). */
export async function connect(session: Session, opts: { transports?: ('websocket' | 'polling')[], base?: string } = {}): Promise<Socket> {
  const socket = io(opts.base ?? session.base, { auth: { token: session.token }, transports: opts.transports ?? ['websocket', 'polling'], reconnection: false, forceNew: true })
  sockets.push(socket)
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', err => reject(err))
  })
  return socket
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

export function send(socket: Socket, conversationId: string, content: string, clientId: string = randomUUID()): Promise<SendAck> {
  return socket.timeout(10000).emitWithAck('message:send', { clientId, conversationId, content })
}

export function ack<T = { ok: boolean, error?: { code: string, message: string, details?: Record<string, unknown> } }>(socket: Socket, event: string, payload: unknown): Promise<T> {
  return socket.timeout(10000).emitWithAck(event, payload)
}

export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))
