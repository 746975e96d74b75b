import { describe, expect, it } from 'vitest'
import { Session, type SendReply } from '../../load/lib/session.mjs'
import { Metrics } from '../../load/lib/metrics.mjs'

type Handler = (...args: unknown[]) => void
type Reply = { ok: boolean, [k: string]: unknown }

/** One instance whose database is down for the first `downFor` sends: those are answered UNAVAILABLE. */
function instance(downFor: number) {
  const sends: string[] = []
  const connect = (_url: string, _token: string, handlers: Record<string, Handler | undefined> = {}) => {
    let connected = false
    setTimeout(() => {
      connected = true
      handlers.connect?.('sid')
    }, 1)
    const api = {
      on: () => api,
      emit: () => connected,
      emitWithAck(event: string, data: { clientId: string, conversationId: string, content: string }, cb: (r: Reply) => void) {
        if (event !== 'message:send') return cb({ ok: true })
        sends.push(data.clientId)
        if (sends.length <= downFor) return cb({ ok: false, error: { code: 'UNAVAILABLE', message: 'the database is unreachable', details: { retryAfterMs: 20 } } })
        cb({ ok: true, duplicate: false, message: { id: 'm1', seq: 1, updatedSeq: 1, senderId: 'u1', createdAt: new Date().toISOString(), ...data } })
      },
      close: () => { connected = false },
      connected: () => connected
    }
    return api
  }
  return { connect, sends }
}

describe('load driver session while the server is without its database', () => {
  it('resends a send answered UNAVAILABLE after retryAfterMs with the same clientId, and reports every answer', async () => {
    const server = instance(2)
    const metrics = new Metrics(Date.now())
    const replies: SendReply[] = []
    const s = new Session({
      label: 'chat0',
      user: { id: 'u1', email: 'load0@example.com', token: 'token', tokenExp: Math.floor(Date.now() / 1000) + 3600 },
      password: 'x',
      projectId: 'p',
      instances: ['http://a'],
      rooms: ['conv'],
      home: 0,
      metrics,
      connect: server.connect as never,
      settings: { ackTimeoutMs: 500, drainMs: 10, gapGraceMs: 2000, refreshTokens: false, selftestDrop: 0, selftestHide: 0, audit: false },
      log: () => {},
      onSendReply: reply => replies.push(reply)
    })
    expect(await s.open()).toBe(true)
    const message = await s.send('conv')
    expect(message).toMatchObject({ id: 'm1', clientId: server.sends[0] })
    expect(server.sends).toHaveLength(3)
    expect(new Set(server.sends).size).toBe(1)
    expect(replies.map(r => r.code)).toEqual(['UNAVAILABLE', 'UNAVAILABLE', null])
    expect(replies.every(r => r.instance === 'http://a' && r.clientId === server.sends[0])).toBe(true)
    expect(metrics.counts).toMatchObject({ sent: 1, resent: 2, unavailable: 2, errors: 0 })
    await s.close()
  })
})
