import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { Message } from '#shared/types'
import { api, closeAllSockets, connect, logIn, nextEvent, setupConversation, signUp, sleep, type Session } from '../support/helpers'

afterEach(() => closeAllSockets())

type Scheduled = { id: string, conversationId: string, content: string, sendAt: string, status: string, messageId: string | null, error: string | null }

const inMs = (ms: number) => new Date(Date.now() + ms).toISOString()

const schedule = (who: Session, conversationId: string, body: Record<string, unknown>) =>
  api<{ scheduled: Scheduled }>(who.base, 'POST', `/api/conversations/${conversationId}/scheduled`, { token: who.token, body: { clientId: randomUUID(), ...body } })

async function history(who: Session, conversationId: string) {
  return (await api<{ messages: Message[] }>(who.base, 'GET', `/api/conversations/${conversationId}/messages`, { token: who.token })).body.messages
}

describe('scheduled messages', () => {
  it('are sent by the server at their time, once, while the author is offline', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { conversation } = await setupConversation(alice, [bob])
    const b = await connect(bob)
    const arrived = nextEvent<{ message: Message }>(b, 'message:new', p => p.message.content === 'standup in 5', 10_000)
    const created = await schedule(alice, conversation.id, { content: 'standup in 5', sendAt: inMs(1500) })
    expect(created.status).toBe(200)
    expect(created.body.scheduled).toMatchObject({ conversationId: conversation.id, content: 'standup in 5', status: 'pending', messageId: null })
    // Alice has no socket open at all: the server sends on its own.
    expect((await history(bob, conversation.id)).some(m => m.content === 'standup in 5')).toBe(false)
    const { message } = await arrived
    expect(message.senderId).toBe(alice.user.id)
    expect(Date.parse(message.createdAt)).toBeGreaterThanOrEqual(Date.parse(created.body.scheduled.sendAt) - 50)
    await sleep(300)
    expect((await history(bob, conversation.id)).filter(m => m.content === 'standup in 5')).toHaveLength(1)
    const listed = await api<{ scheduled: Scheduled[] }>(alice.base, 'GET', '/api/scheduled', { token: alice.token })
    expect(listed.body.scheduled.find(s => s.id === created.body.scheduled.id)).toBeUndefined()
  })

  it('all arrive when more fall due in one minute than a member may send by hand', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { conversation } = await setupConversation(alice, [bob])
    // The per-minute send budget is 30: scheduling paid for these already, so none is refused at delivery.
    const at = inMs(2500)
    const created = await Promise.all(Array.from({ length: 35 }, (_, i) => schedule(alice, conversation.id, { content: `digest ${i}`, sendAt: at })))
    expect(created.map(c => c.status)).toEqual(Array(35).fill(200))
    const deadline = Date.now() + 20_000
    let delivered: Message[] = []
    while (Date.now() < deadline) {
      delivered = (await api<{ messages: Message[] }>(bob.base, 'GET', `/api/conversations/${conversation.id}/messages?limit=100`, { token: bob.token })).body.messages.filter(m => m.content.startsWith('digest '))
      if (delivered.length === 35) break
      await sleep(250)
    }
    expect(delivered).toHaveLength(35)
    const listed = await api<{ scheduled: Scheduled[] }>(alice.base, 'GET', '/api/scheduled', { token: alice.token })
    expect(listed.body.scheduled.filter(s => s.conversationId === conversation.id)).toEqual([])
  })

  it('can be listed, edited, moved and cancelled until sent, and tells the author\'s devices', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    const laptop = await connect(alice)
    const later = await schedule(alice, conversation.id, { content: 'later', sendAt: inMs(3_600_000) })
    const soon = await schedule(alice, conversation.id, { content: 'soon', sendAt: inMs(1_800_000) })
    const listed = await api<{ scheduled: Scheduled[] }>(alice.base, 'GET', '/api/scheduled', { token: alice.token })
    expect(listed.body.scheduled.map(s => s.content)).toEqual(['soon', 'later'])

    const pushed = nextEvent<{ scheduled: Scheduled }>(laptop, 'scheduled:updated', p => p.scheduled.content === 'later, reworded')
    const edited = await api<{ scheduled: Scheduled }>(alice.base, 'PATCH', `/api/scheduled/${later.body.scheduled.id}`, { token: alice.token, body: { content: 'later, reworded' } })
    expect(edited.body.scheduled).toMatchObject({ content: 'later, reworded', status: 'pending', sendAt: later.body.scheduled.sendAt })
    expect((await pushed).scheduled.id).toBe(later.body.scheduled.id)

    const cancelled = await api<{ scheduled: Scheduled }>(alice.base, 'DELETE', `/api/scheduled/${soon.body.scheduled.id}`, { token: alice.token })
    expect(cancelled.body.scheduled.status).toBe('cancelled')
    const again = await api(alice.base, 'PATCH', `/api/scheduled/${soon.body.scheduled.id}`, { token: alice.token, body: { content: 'x' } })
    expect(again.status).toBe(409)

    // Moved to a second from now, it is sent then, and the job for the old time does nothing.
    const arrived = nextEvent<{ message: Message }>(laptop, 'message:new', p => p.message.content === 'later, reworded', 10_000)
    const sentEvent = nextEvent<{ scheduled: Scheduled }>(laptop, 'scheduled:updated', p => p.scheduled.status === 'sent', 10_000)
    await api(alice.base, 'PATCH', `/api/scheduled/${later.body.scheduled.id}`, { token: alice.token, body: { sendAt: inMs(1000) } })
    await arrived
    const sent = await sentEvent
    expect(sent.scheduled.messageId).not.toBeNull()
    expect((await history(alice, conversation.id)).map(m => m.content)).toEqual(['later, reworded'])
  })

  it('fails visibly when the author can no longer post there', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { conversation } = await setupConversation(alice, [bob])
    const created = await schedule(bob, conversation.id, { content: 'from bob', sendAt: inMs(1200) })
    const admin = await logIn('admin@example.com')
    const removed = await api(admin.base, 'DELETE', `/api/admin/conversations/${conversation.id}/participants/${bob.user.id}`, { token: admin.token })
    expect(removed.status).toBe(200)
    const b = await connect(bob)
    const failed = await nextEvent<{ scheduled: Scheduled }>(b, 'scheduled:updated', p => p.scheduled.id === created.body.scheduled.id, 10_000)
    expect(failed.scheduled.status).toBe('failed')
    expect(failed.scheduled.error).toMatch(/participant/)
    expect((await history(alice, conversation.id)).some(m => m.content === 'from bob')).toBe(false)
  })

  it('validates, is idempotent per clientId and private to its author', async () => {
    const alice = await signUp('Alice')
    const mallory = await signUp('Mallory')
    const { conversation } = await setupConversation(alice, [])
    for (const body of [{ content: 'x', sendAt: inMs(-60_000) }, { content: 'x', sendAt: inMs(200 * 86_400_000) }, { content: '', sendAt: inMs(60_000) }, { content: 'x', sendAt: 'tomorrow' }]) {
      const res = await schedule(alice, conversation.id, body)
      expect(res.status).toBe(400)
      expect(res.body.error?.code).toBe('VALIDATION')
    }
    const clientId = randomUUID()
    const first = await schedule(alice, conversation.id, { clientId, content: 'once', sendAt: inMs(600_000) })
    const retry = await schedule(alice, conversation.id, { clientId, content: 'once', sendAt: inMs(600_000) })
    expect(retry.body.scheduled.id).toBe(first.body.scheduled.id)
    expect((await schedule(mallory, conversation.id, { content: 'x', sendAt: inMs(60_000) })).status).toBe(403)
    expect((await api(mallory.base, 'PATCH', `/api/scheduled/${first.body.scheduled.id}`, { token: mallory.token, body: { content: 'pwned' } })).status).toBe(404)
    expect((await api(mallory.base, 'DELETE', `/api/scheduled/${first.body.scheduled.id}`, { token: mallory.token })).status).toBe(404)
    expect((await api(mallory.base, 'GET', '/api/scheduled', { token: mallory.token })).body).toEqual({ scheduled: [] })
    expect((await api(alice.base, 'GET', '/api/scheduled')).status).toBe(401)
  })
})
