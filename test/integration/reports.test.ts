import { afterEach, describe, expect, it } from 'vitest'
import { ack, api, closeAllSockets, connect, send, setupConversation, signUp } from '../support/helpers'

afterEach(() => closeAllSockets())

type ReportBody = { report: { id: string, messageId: string, reason: string, description: string | null, status: string, createdAt: string } }

async function reported() {
  const alice = await signUp('Alice')
  const bob = await signUp('Bob')
  const mallory = await signUp('Mallory')
  const { conversation } = await setupConversation(alice, [bob])
  const b = await connect(bob)
  const sent = await send(b, conversation.id, 'buy cheap watches')
  if (!sent.ok) throw new Error('send failed')
  return { alice, bob, mallory, b, conversation, message: sent.message, path: `/api/messages/${sent.message.id}/report` }
}

describe('POST /api/messages/:id/report', () => {
  it('queues a report once per reporter while it is open', async () => {
    const { alice, message, path } = await reported()
    const first = await api<ReportBody>(alice.base, 'POST', path, { token: alice.token, body: { reason: 'spam', description: 'ads' } })
    expect(first.status).toBe(200)
    expect(first.body.report).toMatchObject({ messageId: message.id, reason: 'spam', description: 'ads', status: 'pending' })
    const again = await api<ReportBody>(alice.base, 'POST', path, { token: alice.token, body: { reason: 'spam' } })
    expect(again.body.report.id).toBe(first.body.report.id)
  })

  it('refuses bad reasons, "other" without a description, one\'s own message and deleted messages', async () => {
    const { alice, bob, b, message, path } = await reported()
    for (const body of [{ reason: 'boring' }, { reason: 'other' }, {}]) {
      const res = await api(alice.base, 'POST', path, { token: alice.token, body })
      expect(res.status).toBe(400)
      expect(res.body.error?.code).toBe('VALIDATION')
    }
    expect((await api(bob.base, 'POST', path, { token: bob.token, body: { reason: 'spam' } })).status).toBe(400)
    await ack(b, 'message:delete', { messageId: message.id })
    expect((await api(alice.base, 'POST', path, { token: alice.token, body: { reason: 'spam' } })).status).toBe(404)
  })

  it('is refused to non-participants and anonymous callers', async () => {
    const { mallory, path } = await reported()
    expect((await api(mallory.base, 'POST', path, { token: mallory.token, body: { reason: 'spam' } })).status).toBe(403)
    expect((await api(mallory.base, 'POST', path, { body: { reason: 'spam' } })).status).toBe(401)
  })
})
