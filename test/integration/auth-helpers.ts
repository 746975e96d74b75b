import { randomUUID } from 'node:crypto'
import type { Socket } from 'socket.io-client'
import type { User } from '#shared/types'
import { baseUrl, sleep, type Session } from './helpers'

/** A signed-in session as a browser holds it: the access token in memory, the refresh token in its cookie. */
export interface CookieSession extends Session { cookie: string, expiresAt: string }

export interface AuthResult {
  status: number
  body: { accessToken?: string, expiresAt?: string, user?: User, error?: { code: string, message: string, details?: Record<string, unknown> } }
  /** The raw Set-Cookie of the refresh cookie, if the response set one. */
  setCookie: string | undefined
  /** The refresh cookie's new value ('' when cleared), if set. */
  cookie: string | undefined
}

/** POSTs to an auth route like a browser would: JSON body, the refresh cookie, optionally a bearer token. */
export async function authPost(base: string, path: string, opts: { body?: unknown, cookie?: string, token?: string } = {}): Promise<AuthResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (opts.cookie !== undefined) headers.cookie = `chat_refresh=${opts.cookie}`
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  const res = await fetch(base + path, { method: 'POST', headers, body: JSON.stringify(opts.body ?? {}) })
  const text = await res.text()
  const setCookie = res.headers.getSetCookie().find(c => c.startsWith('chat_refresh='))
  const cookie = setCookie === undefined ? undefined : decodeURIComponent(setCookie.slice('chat_refresh='.length).split(';')[0] ?? '')
  return { status: res.status, body: text ? JSON.parse(text) : {}, setCookie, cookie }
}

function toSession(res: AuthResult, base: string, what: string): CookieSession {
  if (res.status !== 200 || !res.body.accessToken || !res.body.user || !res.cookie) throw new Error(`${what} failed: ${res.status} ${JSON.stringify(res.body)} cookie=${res.setCookie}`)
  return { token: res.body.accessToken, user: res.body.user, base, cookie: res.cookie, expiresAt: res.body.expiresAt ?? '' }
}

export async function loginWithCookie(email: string, password = 'secret-password', base = baseUrl()): Promise<CookieSession> {
  return toSession(await authPost(base, '/api/auth/local/login', { body: { email, password } }), base, `login ${email}`)
}

export async function signUpWithCookie(name = 'user', base = baseUrl()): Promise<CookieSession> {
  const email = `${name.toLowerCase()}-${Date.now()}-${randomUUID().slice(0, 8)}@test.local`
  return toSession(await authPost(base, '/api/auth/local/signup', { body: { email, password: 'secret-password', displayName: name } }), base, 'signup')
}

/** Trades the session's refresh cookie for a new one (the session object is updated on success). */
export async function refresh(base: string, cookie: string): Promise<AuthResult> {
  return authPost(base, '/api/auth/refresh', { cookie })
}

/** GET /api/me status with a bearer token. */
export async function meStatus(base: string, token: string): Promise<number> {
  return (await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${token}` } })).status
}

/** Polls until `check` is true (revocation reaches other instances within a few seconds), else fails. */
export async function eventually(check: () => Promise<boolean>, ms = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(100)
  }
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
  const { io } = await import('socket.io-client')
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
