import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest'
import type { Message } from '#shared/types'
import { closeAllSockets, collect, connect, nextEvent, send, sendOk, setupConversation, signUp, sleep, until } from '../support/helpers'
import { servicesUp } from '../support/instance.mjs'
import { history, instances, syncAll } from './helpers'

const redisCli = (...args: string[]) => spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(inject('services').redisPort), ...args], { encoding: 'utf8' })
const redisUp = () => redisCli('ping').stdout.includes('PONG')
/** Runs services-up.sh; true when it had to start Redis (false: someone else restarted it meanwhile). */
const startServices = () => servicesUp().includes('starting redis')

async function healthy(base: string) {
  try {
    const res = await fetch(`${base}/api/health`)
    return res.ok
  } catch {
    return false
  }
}

afterEach(() => closeAllSockets())
afterAll(() => { if (!redisUp()) startServices() })

describe('Redis restart', () => {
  it('loses no acknowledged message; after Redis is back, live delivery resumes and sync fills the gap', { timeout: 120000 }, async () => {
    const { A, B } = instances()
    const alice = await signUp('Alice', A)
    const bob = await signUp('Bob', B)
    const conversation = (await setupConversation(alice, [bob], 'redis-restart', A)).conversation
    const [a, b] = await Promise.all([connect(alice, { base: A }), connect(bob, { base: B })])
    const warm = nextEvent<{ message: Message }>(b, 'message:new', p => p.message.content === 'before')
    await sendOk(a, conversation.id, 'before')
    const lastSeen = (await warm).message.updatedSeq

    const live = collect<{ message: Message }>(b, 'message:new')
    expect(redisCli('shutdown', 'nosave').status).toBe(0)
    await until(() => !redisUp(), 5000, 'redis to stop')

    // Sends while Redis is down: whatever is acknowledged must survive.
    const attempts: { clientId: string, content: string, ok: boolean, ms: number, error?: string, message?: Message }[] = []
    for (let i = 0; i < 8; i++) {
      const clientId = randomUUID()
      const content = `during outage ${i}`
      const started = performance.now()
      const reply = await send(a, conversation.id, content, clientId, 25000).catch((e: Error) => ({ ok: false as const, error: { code: 'TIMEOUT', message: e.message } }))
      attempts.push({ clientId, content, ok: reply.ok, ms: Math.round(performance.now() - started), ...(reply.ok ? { message: reply.message } : { error: reply.error.code }) })
    }
    console.log(`[services] sends during Redis outage: ${attempts.filter(x => x.ok).length}/${attempts.length} acked; ack ms ${attempts.map(x => x.ms).join(',')}${attempts.some(x => !x.ok) ? `; errors ${attempts.filter(x => !x.ok).map(x => x.error).join(',')}` : ''}`)
    const sockets = [a, b]
    expect(sockets.every(s => s.connected)).toBe(true) // client connections do not depend on Redis

    const outage = performance.now()
    const restartedByUs = startServices()
    await until(() => redisUp(), 10000, 'redis to start')
    const deadline = Date.now() + 30000
    while (!(await healthy(A) && await healthy(B))) {
      if (Date.now() > deadline) throw new Error('instances did not report redis healthy again')
      await sleep(200)
    }
    console.log(`[services] instances healthy ${Math.round(performance.now() - outage)} ms after Redis restart; ${live.items.length}/${attempts.length} outage messages were delivered live to B${restartedByUs ? '' : ' (Redis had already been started by another process during the outage)'}`)

    // Unacknowledged sends are retried with the same clientId: each lands exactly once.
    for (const attempt of attempts.filter(x => !x.ok)) {
      const reply = await send(a, conversation.id, attempt.content, attempt.clientId, 15000)
      expect(reply.ok).toBe(true)
      if (reply.ok) Object.assign(attempt, { ok: true, message: reply.message })
    }

    // Live cross-instance delivery works again (the adapter re-subscribed).
    let delivered = false
    for (let i = 0; i < 20 && !delivered; i++) {
      const content = `after restart ${i}`
      const got = nextEvent<{ message: Message }>(b, 'message:new', p => p.message.content === content, 1500)
      await sendOk(a, conversation.id, content)
      delivered = await got.then(() => true, () => false)
    }
    expect(delivered).toBe(true)
    live.stop()

    const { messages } = await syncAll(b, conversation.id, lastSeen)
    const ids = messages.map(m => m.id)
    for (const attempt of attempts) expect(ids).toContain(attempt.message!.id)
    expect(new Set(ids).size).toBe(ids.length)
    const all = await history(B, bob, conversation.id)
    expect(all.map(m => m.seq)).toEqual(Array.from({ length: all.length }, (_, i) => all[0]!.seq + i))
    expect(new Set(all.map(m => m.clientId)).size).toBe(all.length)
  })
})
