import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { api, baseUrl, closeAllSockets, connect, send, setupConversation, signUp } from '../support/helpers'
import { rawRequest } from './raw-http'

/** Past the transport cap (1 MB), far under what a parser would notice on its own. */
const OVERSIZED = 1_500_000

afterEach(() => closeAllSockets())

interface RawSocket { ws: WebSocket, frames: string[], closed: Promise<{ code: number, reason: string }> }

/** A bare Engine.IO v4 websocket (no Socket.IO client), resolved once the server's open packet arrived. */
async function rawSocket(): Promise<RawSocket> {
  const ws = new WebSocket(`${baseUrl().replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`)
  const frames: string[] = []
  const closed = new Promise<{ code: number, reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))
  })
  ws.on('error', () => {})
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (data) => {
      const frame = data.toString()
      // Engine.IO heartbeat: answer pings so the server keeps the session for the test.
      if (frame === '2') ws.send('3')
      else frames.push(frame)
      if (frame.startsWith('0')) resolve()
    })
    ws.once('error', reject)
  })
  return { ws, frames, closed }
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms))])
}

async function stillServes() {
  const health = await fetch(`${baseUrl()}/api/health`)
  expect(health.status).toBe(200)
  const alice = await signUp('After')
  const { conversation } = await setupConversation(alice, [])
  const socket = await connect(alice, { transports: ['websocket'] })
  expect((await send(socket, conversation.id, 'still here')).ok).toBe(true)
}

describe('websocket frame cap', () => {
  it('closes a connection whose first frame, before any authentication, is oversized', async () => {
    const raw = await rawSocket()
    // A well-formed Socket.IO CONNECT whose auth token is 1.5 MB: without a transport cap the
    // whole frame is buffered and parsed, and the server answers it with a connect error.
    raw.ws.send(`40${JSON.stringify({ token: 'x'.repeat(OVERSIZED) })}`)
    const { code } = await within(raw.closed, 5000, 'close')
    expect(code).toBe(1009)
    expect(raw.frames.filter(f => f.startsWith('4'))).toEqual([])
    await stillServes()
  })

  it('closes an authenticated connection that sends an oversized event, without acking it', async () => {
    const alice = await signUp('Big')
    const { conversation } = await setupConversation(alice, [])
    const raw = await rawSocket()
    raw.ws.send(`40${JSON.stringify({ token: alice.token })}`)
    await within(new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (raw.frames.some(f => f.startsWith('40{"sid"'))) {
          clearInterval(poll)
          resolve()
        }
      }, 20)
    }), 5000, 'socket.io connect')
    const payload = { clientId: randomUUID(), conversationId: conversation.id, content: 'x'.repeat(OVERSIZED) }
    raw.ws.send(`421${JSON.stringify(['message:send', payload])}`)
    const { code } = await within(raw.closed, 5000, 'close')
    expect(code).toBe(1009)
    expect(raw.frames.filter(f => f.startsWith('431'))).toEqual([])
    const history = await api<{ messages: unknown[] }>(alice.base, 'GET', `/api/conversations/${conversation.id}/messages`, { token: alice.token })
    expect(history.body.messages).toEqual([])
    await stillServes()
  })

  it('still carries frames under the cap', async () => {
    const alice = await signUp('Fits')
    const { conversation } = await setupConversation(alice, [])
    const socket = await connect(alice, { transports: ['websocket'] })
    const reply = await send(socket, conversation.id, 'y'.repeat(5000))
    expect(reply.ok).toBe(true)
  })
})

describe('polling body cap', () => {
  async function pollingUrl(): Promise<string> {
    const res = await fetch(`${baseUrl()}/socket.io/?EIO=4&transport=polling`)
    const { sid } = JSON.parse((await res.text()).slice(1)) as { sid: string }
    return `${baseUrl()}/socket.io/?EIO=4&transport=polling&sid=${sid}`
  }
  const oversizedConnect = () => [`40{"token":"`, ...Array.from({ length: OVERSIZED / 100_000 }, () => 'x'.repeat(100_000)), '"}']

  it('refuses an oversized polling POST with 413 and keeps serving', async () => {
    const chunks = oversizedConnect()
    const res = await rawRequest(await pollingUrl(), {
      headers: { 'content-type': 'text/plain;charset=UTF-8' }, chunks, length: chunks.join('').length
    })
    expect(res.status).toBe(413)
    await stillServes()
  })

  it('refuses an oversized chunked polling POST (no Content-Length)', async () => {
    const res = await rawRequest(await pollingUrl(), { headers: { 'content-type': 'text/plain;charset=UTF-8' }, chunks: oversizedConnect() })
    expect(res.status).toBe(413)
    await stillServes()
  })
})

describe('request body cap', () => {
  const url = (path: string) => `${baseUrl()}${path}`
  /** A JSON body of `bytes` bytes that is otherwise a valid project. */
  const bigProject = (bytes: number) => JSON.stringify({ name: 'p', padding: 'x'.repeat(bytes) })
  type ErrorJson = { error: { code: string, message: string } }

  function expectTooLarge(res: { status: number, body: string }) {
    expect(res.status).toBe(413)
    const body = JSON.parse(res.body) as ErrorJson
    expect(body.error.code).toBe('PAYLOAD_TOO_LARGE')
    expect(typeof body.error.message).toBe('string')
  }

  async function projectCount(token: string) {
    return (await api<{ projects: unknown[] }>(baseUrl(), 'GET', '/api/projects', { token })).body.projects.length
  }

  it('answers 413 to an oversized JSON body before authenticating, with or without a token', async () => {
    const alice = await signUp('Sender')
    const before = await projectCount(alice.token)
    const body = bigProject(200_000)
    const headers = { 'content-type': 'application/json' }
    expectTooLarge(await rawRequest(url('/api/projects'), { headers, chunks: [body], length: body.length }))
    expectTooLarge(await rawRequest(url('/api/projects'), { headers: { ...headers, authorization: `Bearer ${alice.token}` }, chunks: [body], length: body.length }))
    // An 8 MiB sign-in attempt is refused without hashing its password.
    const login = JSON.stringify({ email: 'nobody@test.local', password: 'x'.repeat(8 * 1024 * 1024) })
    expectTooLarge(await rawRequest(url('/api/auth/local/login'), { headers, chunks: [login], length: Buffer.byteLength(login) }))
    expect(await projectCount(alice.token)).toBe(before)
  })

  it('counts a chunked body without Content-Length and stops at the cap', async () => {
    const alice = await signUp('Chunked')
    const before = await projectCount(alice.token)
    const chunks = () => ['{"name":"p","padding":"', ...Array.from({ length: 40 }, () => 'x'.repeat(10_000)), '"}']
    const headers = { 'content-type': 'application/json' }
    expectTooLarge(await rawRequest(url('/api/projects'), { headers, chunks: chunks() }))
    expectTooLarge(await rawRequest(url('/api/projects'), { headers: { ...headers, authorization: `Bearer ${alice.token}` }, chunks: chunks() }))
    expect(await projectCount(alice.token)).toBe(before)
  })

  it('still accepts the largest valid message and ordinary chunked bodies', async () => {
    const alice = await signUp('Valid')
    const { conversation } = await setupConversation(alice, [])
    // 5000 quotes escape to 10 000 bytes of JSON.
    const sent = await api(alice.base, 'POST', `/api/conversations/${conversation.id}/messages`, { token: alice.token, body: { clientId: randomUUID(), content: '"'.repeat(5000) } })
    expect(sent.status).toBe(200)
    const chunked = await rawRequest(url('/api/projects'), {
      headers: { 'content-type': 'application/json', 'authorization': `Bearer ${alice.token}` }, chunks: ['{"name":', '"chunked"}']
    })
    expect(chunked.status).toBe(200)
  })
})
