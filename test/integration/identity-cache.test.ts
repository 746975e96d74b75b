import { afterEach, describe, expect, it } from 'vitest'
import type { Message } from '#shared/types'
import { aliceBobAndMallory, api, closeAllSockets, must, sendOk } from '../support/helpers'

afterEach(() => closeAllSockets())

// An instance keeps who a token's bearer is for a moment (infra/auth/identity.ts); what changes who
// they are must not wait for that moment to pass.
describe('the identity behind a token', () => {
  it('takes a new name at once: the next thing the member does is done under it', async () => {
    const { alice, conversation, a } = await aliceBobAndMallory()
    const message = await sendOk(a, conversation.id, 'pin me')
    const history = `/api/conversations/${conversation.id}/messages`
    // A request first, so the instance holds Alice's identity as it was.
    must(await api(alice.base, 'GET', history, { token: alice.token }), 'history')
    must(await api(alice.base, 'PATCH', '/api/me', { token: alice.token, body: { displayName: 'Alice Liddell' } }), 'rename')
    must(await api(alice.base, 'POST', `/api/messages/${message.id}/pin`, { token: alice.token }), 'pin')
    const page = must(await api<{ messages: Message[] }>(alice.base, 'GET', history, { token: alice.token }), 'history')
    expect(page.messages.at(-1)!.content).toBe('Alice Liddell pinned a message')
  })
})
