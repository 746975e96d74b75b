import { afterEach, describe, expect, it } from 'vitest'
import { ack, api, closeAllSockets, connect, send, setupConversation, signUp } from '../support/helpers'

afterEach(() => closeAllSockets())

type Edits = { edits: { content: string, editedAt: string, editedBy: string }[] }

describe('GET /api/messages/:id/edits', () => {
  it('lists earlier versions, oldest first, to the author and moderators only', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const carol = await signUp('Carol')
    const { conversation } = await setupConversation(alice, [bob, carol])
    const b = await connect(bob)
    const sent = await send(b, conversation.id, 'v1')
    if (!sent.ok) throw new Error('send failed')
    await ack(b, 'message:edit', { messageId: sent.message.id, content: 'v2' })
    await ack(b, 'message:edit', { messageId: sent.message.id, content: 'v3' })
    const path = `/api/messages/${sent.message.id}/edits`
    for (const who of [bob, alice]) { // the author, and the conversation's owner
      const res = await api<Edits>(who.base, 'GET', path, { token: who.token })
      expect(res.status).toBe(200)
      expect(res.body.edits.map(e => e.content)).toEqual(['v1', 'v2'])
      expect(res.body.edits.every(e => e.editedBy === bob.user.id && !Number.isNaN(Date.parse(e.editedAt)))).toBe(true)
    }
    expect((await api(carol.base, 'GET', path, { token: carol.token })).status).toBe(403)
    expect((await api(carol.base, 'GET', path)).status).toBe(401)
  })

  it('is empty for a message never edited and hides a deleted message from its author', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { conversation } = await setupConversation(alice, [bob])
    const b = await connect(bob)
    const sent = await send(b, conversation.id, 'only version')
    if (!sent.ok) throw new Error('send failed')
    const path = `/api/messages/${sent.message.id}/edits`
    expect((await api<Edits>(bob.base, 'GET', path, { token: bob.token })).body.edits).toEqual([])
    await ack(b, 'message:delete', { messageId: sent.message.id })
    expect((await api(bob.base, 'GET', path, { token: bob.token })).status).toBe(404)
  })
})
