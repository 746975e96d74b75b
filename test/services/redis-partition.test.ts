import { randomUUID } from 'node:crypto'
import { createConnection, createServer, type Server, type Socket as NetSocket } from 'node:net'
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest'
import type { Message } from '#shared/types'
import { closeAllSockets, connect, nextEvent, send, sendOk, setupConversation, signUp } from '../support/helpers'
import { startInstance, SUITE_AUTH_LIMITS, type Instance } from '../support/instance.mjs'
import { history, instances } from './helpers'

/**
 * A TCP proxy to Redis that can go silent: while frozen it drops every byte both ways and keeps the
 * connections open, as a network partition does (no reset, nothing the client can notice).
 */
function partitionableProxy(targetPort: number) {
  let frozen = false
  const sockets = new Set<NetSocket>()
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort })
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => {})
    }
    client.on('data', (d) => { if (!frozen) upstream.write(d) })
    upstream.on('data', (d) => { if (!frozen) client.write(d) })
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  const listening = new Promise<number>(resolve => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)))
  return {
    listening,
    freeze: (on: boolean) => { frozen = on },
    close: () => {
      server.close()
      for (const s of sockets) s.destroy()
    }
  }
}

let extra: Instance | null = null
const proxy = partitionableProxy(inject('services').redisPort)

afterEach(() => closeAllSockets())
afterAll(async () => {
  await extra?.stop()
  proxy.close()
})

describe('an instance cut off from Redis without a reset', () => {
  it('keeps acknowledging sends and delivering them on the instance itself; they land once and are read on the other instance', { timeout: 120000 }, async () => {
    const { A } = instances()
    const services = inject('services')
    const port = await proxy.listening
    extra = await startInstance({
      name: 'partitioned',
      env: { DATABASE_URL: services.databaseUrl, REDIS_URL: `redis://127.0.0.1:${port}/1`, DATA_DIR: services.dataDir, ...SUITE_AUTH_LIMITS },
      timeoutMs: 60_000
    })
    const alice = await signUp('Alice', extra.url)
    const bob = await signUp('Bob', A)
    const carol = await signUp('Carol', extra.url)
    const { conversation } = await setupConversation(alice, [bob, carol], 'redis-partition', extra.url)
    const socket = await connect(alice, { base: extra.url })
    // Carol is on the same instance as Alice: her copy never needs Redis.
    const carolSocket = await connect(carol, { base: extra.url })
    await sendOk(socket, conversation.id, 'before the partition')

    proxy.freeze(true)
    try {
      const acked: string[] = []
      for (let i = 0; i < 3; i++) {
        const started = performance.now()
        const clientId = randomUUID()
        const toCarol = nextEvent<{ message: Message }>(carolSocket, 'message:new', p => p.message.clientId === clientId, 8000)
          .then(() => performance.now(), () => null)
        const reply = await send(socket, conversation.id, `during the partition ${i}`, clientId, 8000).catch(() => ({ ok: false as const, error: { code: 'NO_ACK_IN_8_S' } }))
        expect(reply.ok, `send ${i} answered ${JSON.stringify(reply)}`).toBe(true)
        // The command timeout plus the send itself: well under the client's 10 s ack timeout.
        expect(performance.now() - started).toBeLessThan(6000)
        if (reply.ok) acked.push(reply.message.id)
        // Delivered live on the instance itself, however long Redis stays silent (it used to wait for Redis).
        const arrived = await toCarol
        expect(arrived, `send ${i} reached Carol on the same instance`).not.toBeNull()
        expect(arrived! - started).toBeLessThan(6000)
      }
      const stored = await history(A, bob, conversation.id)
      expect(acked.every(id => stored.filter(m => m.id === id).length === 1)).toBe(true)
    } finally {
      proxy.freeze(false)
    }
  })
})
