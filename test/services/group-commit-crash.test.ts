import { randomUUID } from 'node:crypto'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { SUITE_AUTH_LIMITS, startInstance, type Instance } from '../support/instance.mjs'
import { closeAllSockets, connect, send, setupConversation, signUp, sleep, type SendAck } from '../support/helpers'
import { history, instances } from './helpers'

let doomed: Instance | undefined
let survivor: Instance | undefined
afterAll(async () => {
  closeAllSockets()
  await Promise.all([doomed?.stop(), survivor?.stop()])
})

describe('group commit and a crash', () => {
  it('an instance SIGKILLed mid-burst loses no acknowledged message; resending with the same clientIds stores each once', async () => {
    const { A } = instances()
    const services = inject('services')
    // Both with a send budget the burst cannot exhaust: the budget lives in the shared Redis, and a
    // fast machine acks more before the kill than a suite instance's default allows in a minute.
    const env = { DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl, ...SUITE_AUTH_LIMITS, CHAT_RATE_LIMIT_PER_MINUTE: '100000' }
    ;[doomed, survivor] = await Promise.all([startInstance({ name: 'doomed', env }), startInstance({ name: 'survivor', env })])
    const people = await Promise.all(Array.from({ length: 6 }, (_, i) => signUp(`Crash ${i}`, A)))
    const { conversation } = await setupConversation(people[0]!, people.slice(1), 'crash', A)
    const sockets = await Promise.all(people.map(p => connect(p, { base: doomed!.url })))

    // Every member writes as fast as acks come back; the instance dies under them.
    const sent: { who: number, clientId: string, content: string, reply?: SendAck }[] = []
    let stop = false
    const writers = sockets.map(async (socket, who) => {
      for (let i = 0; !stop; i++) {
        const entry: { who: number, clientId: string, content: string, reply?: SendAck } = { who, clientId: randomUUID(), content: `p${who} #${i}` }
        sent.push(entry)
        entry.reply = await send(socket, conversation.id, entry.content, entry.clientId, 3000).catch(() => undefined)
        if (!entry.reply?.ok) return
      }
    })
    // Killed mid-burst once the burst is under way (30 acks), however fast this machine acks: a fixed
    // 700 ms saw only 17 on a loaded CI machine.
    const ackedSoFar = () => sent.filter(s => s.reply?.ok).length
    for (const deadline = Date.now() + 15_000; ackedSoFar() < 30 && Date.now() < deadline;) await sleep(20)
    await doomed.kill('SIGKILL')
    stop = true
    await Promise.all(writers)

    const acked = sent.filter(s => s.reply?.ok)
    expect(acked.length).toBeGreaterThan(20)
    const afterCrash = (await history(A, people[0]!, conversation.id)).filter(m => m.type === 'text')
    const stored = new Map(afterCrash.map(m => [m.clientId, m]))
    for (const s of acked) expect(stored.get(s.clientId)?.content, s.content).toBe(s.content)
    expect(stored.size).toBe(afterCrash.length)

    // The clients resend everything they hold (acked or not) to the survivor, as an outbox would.
    const survivors = await Promise.all(people.map(p => connect(p, { base: survivor!.url })))
    const resent = await Promise.all(sent.map(s => send(survivors[s.who]!, conversation.id, s.content, s.clientId)))
    resent.forEach((r, i) => {
      expect(r.ok, JSON.stringify(r)).toBe(true)
      if (r.ok && sent[i]!.reply?.ok) {
        expect(r.duplicate).toBe(true)
        expect(r.message.id).toBe((sent[i]!.reply as Extract<SendAck, { ok: true }>).message.id)
      }
    })
    const final = await history(A, people[0]!, conversation.id)
    const text = final.filter(m => m.type === 'text')
    expect(text.map(m => m.clientId).sort()).toEqual(sent.map(s => s.clientId).sort())
    const seqs = final.map(m => m.seq)
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i))
  })
})
