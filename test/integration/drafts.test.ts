import { afterEach, describe, expect, it } from 'vitest'
import { api, closeAllSockets, connect, nextEvent, setupConversation, signUp } from '../support/helpers'

afterEach(() => closeAllSockets())

type DraftBody = { draft: { content: string, updatedAt: string } | null }

describe('drafts', () => {
  it('keeps the unsent text per conversation and tells the member\'s other devices', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    const { conversation: other } = await setupConversation(alice, [], 'other')
    const path = `/api/conversations/${conversation.id}/draft`
    expect((await api<DraftBody>(alice.base, 'GET', path, { token: alice.token })).body.draft).toBeNull()
    const phone = await connect(alice)
    const pushed = nextEvent<{ conversationId: string, draft: DraftBody['draft'] }>(phone, 'draft:updated')
    const saved = await api<DraftBody>(alice.base, 'PUT', path, { token: alice.token, body: { content: 'half a thought' } })
    expect(saved.status).toBe(200)
    expect(saved.body.draft?.content).toBe('half a thought')
    expect(await pushed).toEqual({ conversationId: conversation.id, draft: saved.body.draft })
    expect((await api<DraftBody>(alice.base, 'GET', path, { token: alice.token })).body.draft?.content).toBe('half a thought')
    expect((await api<DraftBody>(alice.base, 'GET', `/api/conversations/${other.id}/draft`, { token: alice.token })).body.draft).toBeNull()
    const updated = await api<DraftBody>(alice.base, 'PUT', path, { token: alice.token, body: { content: 'a whole thought' } })
    expect(updated.body.draft?.content).toBe('a whole thought')
  })

  it('clears with blank text', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    const path = `/api/conversations/${conversation.id}/draft`
    await api(alice.base, 'PUT', path, { token: alice.token, body: { content: 'soon' } })
    expect((await api<DraftBody>(alice.base, 'PUT', path, { token: alice.token, body: { content: '  \n' } })).body.draft).toBeNull()
    expect((await api<DraftBody>(alice.base, 'GET', path, { token: alice.token })).body.draft).toBeNull()
  })

  it('is private to the member and validated', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const mallory = await signUp('Mallory')
    const { conversation } = await setupConversation(alice, [bob])
    const path = `/api/conversations/${conversation.id}/draft`
    await api(alice.base, 'PUT', path, { token: alice.token, body: { content: 'for my eyes' } })
    expect((await api<DraftBody>(bob.base, 'GET', path, { token: bob.token })).body.draft).toBeNull()
    expect((await api(mallory.base, 'PUT', path, { token: mallory.token, body: { content: 'x' } })).status).toBe(403)
    expect((await api(mallory.base, 'GET', path)).status).toBe(401)
    const tooLong = await api(alice.base, 'PUT', path, { token: alice.token, body: { content: 'x'.repeat(20_000) } })
    expect(tooLong.status).toBe(400)
    expect((await api(alice.base, 'PUT', path, { token: alice.token, body: { content: 42 } })).status).toBe(400)
    expect((await api<DraftBody>(alice.base, 'GET', path, { token: alice.token })).body.draft?.content).toBe('for my eyes')
  })
})
