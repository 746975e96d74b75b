import { describe, expect, it } from 'vitest'
import { Session } from '../../load/lib/session.mjs'
import { Metrics } from '../../load/lib/metrics.mjs'

type Handler = (...args: any[]) => void
type Reply = { ok: boolean, [k: string]: unknown }

/**
 * Two "instances" sharing one message store (the database): sends are stored by clientId, so a
 * resend returns the original with duplicate: true. An instance can be killed, taking its sockets
 * and any unanswered acks with it.
 */
function cluster() {
  const store = new Map<string, { id: string, conversationId: string, seq: number, updatedSeq: number, clientId: string, senderId: string, content: string, createdAt: string }>()
  const alive = new Map([['http://a', true], ['http://b', true]])
  const sockets = new Map<string, Set<{ drop: () => void }>>([['http://a', new Set()], ['http://b', new Set()]])
  let swallowAcksOn: string | null = null
  let seq = 0
  const sends: { instance: string, clientId: string }[] = []
  const connect = (baseUrl: string, _token: string, handlers: Record<string, Handler | undefined> = {}) => {
    let connected = false
    let closed = false
    const pending = new Set<(r: Reply) => void>()
    const fire = (e: string, ...a: unknown[]) => handlers[e]?.(...a)
    const api = {
      on: () => api,
      emit: () => connected,
      emitWithAck(event: string, data: any, cb: (r: Reply) => void) {
        if (!connected) return cb({ ok: false, error: { code: 'DISCONNECTED' } })
        if (event !== 'message:send') return cb({ ok: true })
        sends.push({ instance: baseUrl, clientId: data.clientId })
        let message = store.get(data.clientId)
        const duplicate = !!message
        if (!message) {
          message = { id: `m${++seq}`, conversationId: data.conversationId, seq, updatedSeq: seq, clientId: data.clientId, senderId: 'u1', content: data.content, createdAt: new Date().toISOString() }
          store.set(data.clientId, message)
        }
        if (swallowAcksOn === baseUrl) pending.add(cb) // committed, but the ack never leaves
        else cb({ ok: true, message, duplicate })
      },
      close() {
        closed = true
        connected = false
      },
      connected: () => connected
    }
    const entry = {
      drop: () => {
        if (closed) return
        closed = true
        connected = false
        for (const cb of pending) cb({ ok: false, error: { code: 'DISCONNECTED' } })
        fire('disconnect', 'transport close')
      }
    }
    setTimeout(() => {
      if (!alive.get(baseUrl)) return fire('connect_error', { message: 'connect ECONNREFUSED' })
      connected = true
      sockets.get(baseUrl)!.add(entry)
      fire('connect', 'sid')
    }, 1)
    return api
  }
  const kill = (url: string) => {
    alive.set(url, false)
    for (const s of sockets.get(url)!) s.drop()
  }
  return { connect, kill, store, sends, swallowAcks: (url: string | null) => { swallowAcksOn = url } }
}

/** A session over the fake cluster; `opts` changes the user's token or the refresh setting. */
function session(c: ReturnType<typeof cluster>, opts: { label?: string, token?: string, tokenTtlS?: number, refreshTokens?: boolean } = {}) {
  const metrics = new Metrics(Date.now())
  const s = new Session({
    label: opts.label ?? 'chat0',
    user: { id: 'u1', email: 'load0@example.com', token: opts.token ?? 'token', tokenExp: Math.floor(Date.now() / 1000) + (opts.tokenTtlS ?? 3600) },
    password: 'x',
    projectId: 'p',
    instances: ['http://a', 'http://b'],
    rooms: ['conv'],
    home: 0,
    metrics,
    connect: c.connect as never,
    settings: { ackTimeoutMs: 500, drainMs: 10, gapGraceMs: 2000, refreshTokens: opts.refreshTokens ?? false, selftestDrop: 0, selftestHide: 0, audit: false },
    log: () => {}
  })
  return { s, metrics }
}

describe('load driver session failover', () => {
  it('resends a send whose instance died before acking, with the same clientId, on the survivor', async () => {
    const c = cluster()
    const { s, metrics } = session(c)
    expect(await s.open()).toBe(true)
    c.swallowAcks('http://a')
    const sent = s.send('conv')
    await new Promise(r => setTimeout(r, 20))
    expect(c.store.size).toBe(1) // committed on a, ack lost
    c.kill('http://a')
    const message = await sent
    expect(message).toMatchObject({ id: 'm1', clientId: c.sends[0]!.clientId })
    expect(c.sends.map(x => x.instance)).toEqual(['http://a', 'http://b'])
    expect(new Set(c.sends.map(x => x.clientId)).size).toBe(1)
    expect(c.store.size).toBe(1)
    expect(s.acked).toHaveLength(1)
    expect(metrics.counts).toMatchObject({ sent: 1, resent: 1, disconnects: 1, failovers: 1, errors: 0 })
    await s.close()
  })

  it('holds sends made while disconnected and sends them once reconnected', async () => {
    const c = cluster()
    const { s, metrics } = session(c)
    await s.open()
    c.kill('http://a')
    const queued = [s.send('conv'), s.send('conv')]
    const messages = await Promise.all(queued)
    expect(messages.map(m => m?.id).sort()).toEqual(['m1', 'm2'])
    expect(c.sends.every(x => x.instance === 'http://b')).toBe(true)
    expect(metrics.counts.sent).toBe(2)
    await s.close()
  })
})

describe('load driver session token refresh', () => {
  it('signs in again and reconnects before a short-lived token lapses', async () => {
    const c = cluster()
    const logins: string[] = []
    const realFetch = globalThis.fetch
    globalThis.fetch = (async (url: string) => {
      logins.push(String(url))
      const exp = Math.floor(Date.now() / 1000) + 900
      const token = `x.${Buffer.from(JSON.stringify({ exp })).toString('base64url')}.y`
      return new Response(JSON.stringify({ accessToken: token, user: { id: 'u1' } }), { status: 200, headers: { 'content-type': 'application/json' } })
    }) as typeof fetch
    try {
      const { s, metrics } = session(c, { label: 'soak0', token: 'old', tokenTtlS: 80, refreshTokens: true })
      expect(await s.open()).toBe(true)
      expect(logins).toHaveLength(0) // 80 s left: still usable for connecting
      await new Promise(r => setTimeout(r, 1300)) // the 1 s tick sees < 90 s left
      expect(logins).toEqual(['http://a/api/auth/local/login'])
      expect(metrics.counts.refreshes).toBe(1)
      expect(s.expMs).toBeGreaterThan(Date.now() + 800_000)
      expect(s.sock?.connected()).toBe(true)
      await s.close()
    } finally {
      globalThis.fetch = realFetch
    }
  })
})
