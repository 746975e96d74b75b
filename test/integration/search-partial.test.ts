import { randomUUID } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import type { Message } from '#shared/types'
import type { SearchResponse } from '#shared/search-schemas'
import { SUITE_AUTH_LIMITS, startInstance } from '../support/instance.mjs'
import { api, closeAllSockets, connect, instanceOnce, must, sendOk, setupConversation, signUp, type Session } from '../support/helpers'

async function post(session: Session, conversationId: string, content: string): Promise<Message> {
  return must(await api<{ message: Message }>(session.base, 'POST', `/api/conversations/${conversationId}/messages`, {
    token: session.token, body: { clientId: randomUUID(), content }
  }), 'send').message
}

function search(session: Session, params: Record<string, string | number>) {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))
  return api<SearchResponse>(session.base, 'GET', `/api/search?${query}`, { token: session.token })
}

/** Contents and highlights found for `q`, best first. */
async function found(session: Session, q: string, extra: Record<string, string | number> = {}) {
  const body = must(await search(session, { q, ...extra }), `search ${q}`)
  return body.results.map(r => ({ content: r.message.content, highlight: r.highlight }))
}
const contents = async (session: Session, q: string, extra: Record<string, string | number> = {}) => (await found(session, q, extra)).map(r => r.content)

describe('search by part of a word and in CJK text', () => {
  it('finds a word inside a longer one (3 characters or more), whole-word matches first, and marks the part', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    await post(alice, conversation.id, 'the redeployment finished at noon')
    await post(alice, conversation.id, 'we deploy on Fridays')
    await post(alice, conversation.id, 'lunch at noon')

    expect(await found(alice, 'deploy')).toEqual([
      { content: 'we deploy on Fridays', highlight: 'we <mark>deploy</mark> on Fridays' },
      { content: 'the redeployment finished at noon', highlight: 'the re<mark>deploy</mark>ment finished at noon' }
    ])
    expect(await contents(alice, 'ploym')).toEqual(['the redeployment finished at noon'])
    expect(await contents(alice, 'REDEPLOY')).toEqual(['the redeployment finished at noon'])
    // Every term must be there, excluded ones must not.
    expect(await contents(alice, 'deploy noon')).toEqual(['the redeployment finished at noon'])
    expect(await contents(alice, 'deploy -noon')).toEqual(['we deploy on Fridays'])
    // Several long parts at once, and a quoted phrase that starts and ends inside words.
    expect(await contents(alice, 'ploym finis')).toEqual(['the redeployment finished at noon'])
    expect(await contents(alice, 'ploym fridays')).toEqual([])
    expect(await contents(alice, '"ployment finis"')).toEqual(['the redeployment finished at noon'])
    // Two letters are too few to search inside words.
    expect(await contents(alice, 'de')).toEqual([])
    // `%` and `_` are letters here, not wildcards.
    expect(await contents(alice, 'de%oy')).toEqual([])
    expect(await contents(alice, 'de_loy')).toEqual([])
  })

  it('finds CJK text by any part of it, in Japanese, Chinese and Korean', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    await post(alice, conversation.id, '東京タワーに行きました')
    await post(alice, conversation.id, '大阪の天気は晴れ')
    await post(alice, conversation.id, '请检查部署日志')
    await post(alice, conversation.id, '데이터베이스 마이그레이션 완료')

    expect(await found(alice, '東京')).toEqual([{ content: '東京タワーに行きました', highlight: '<mark>東京</mark>タワーに行きました' }])
    expect(await contents(alice, 'タワー')).toEqual(['東京タワーに行きました'])
    expect(await contents(alice, '天気')).toEqual(['大阪の天気は晴れ'])
    expect(await contents(alice, '部署')).toEqual(['请检查部署日志'])
    expect(await contents(alice, '마이그레이션')).toEqual(['데이터베이스 마이그레이션 완료'])
    expect(await contents(alice, '京')).toEqual(['東京タワーに行きました'])
    expect(await contents(alice, '名古屋')).toEqual([])
    expect(await contents(alice, '"東京タワー"')).toEqual(['東京タワーに行きました'])
  })

  it('keeps partial and CJK matches to the caller\'s conversations, and to one conversation when asked', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const mallory = await signUp('Mallory')
    const { conversation, projectId } = await setupConversation(alice, [bob])
    const side = must(await api<{ conversation: { id: string } }>(alice.base, 'POST', `/api/projects/${projectId}/conversations`, {
      token: alice.token, body: { title: 'side', type: 'group', participantIds: [] }
    }), 'side').conversation
    await post(alice, conversation.id, 'secret redeployment 東京')
    await post(alice, side.id, 'side redeployment 東京')
    // Mallory shares the project but not the conversations.
    must(await api(alice.base, 'POST', `/api/projects/${projectId}/members`, { token: alice.token, body: { email: mallory.user.email, role: 'member' } }), 'member')

    for (const q of ['deploy', '東京']) {
      expect((await contents(alice, q)).sort()).toEqual(['secret redeployment 東京', 'side redeployment 東京'])
      expect(await contents(alice, q, { conversationId: conversation.id })).toEqual(['secret redeployment 東京'])
      expect(await contents(bob, q)).toEqual(['secret redeployment 東京'])
      expect(await contents(mallory, q)).toEqual([])
      expect(await contents(mallory, q, { projectId })).toEqual([])
      const forbidden = await search(mallory, { q, conversationId: conversation.id })
      expect(forbidden.status).toBe(403)
    }
  })
})

// A server of its own: 1,003 messages are far past the default send budget. Booting while the tests before it run.
const manyServer = instanceOnce(() => startInstance({ pgliteTemplate: true, env: { ...SUITE_AUTH_LIMITS, CHAT_RATE_LIMIT_PER_MINUTE: '100000' } }), { early: true })

describe('search with more matches than it counts', () => {
  afterAll(() => closeAllSockets())

  it('stops counting at 1,000 and says so, pages through the newest matches, and searches one conversation on its own', async () => {
    const server = await manyServer()
    const alice = await signUp('Alice Many', server.url)
    const { conversation, projectId } = await setupConversation(alice, [])
    const other = must(await api<{ conversation: { id: string } }>(alice.base, 'POST', `/api/projects/${projectId}/conversations`, {
      token: alice.token, body: { title: 'other', type: 'group', participantIds: [] }
    }), 'other').conversation
    const socket = await connect(alice)
    for (let i = 0; i < 1003; i += 50) {
      await Promise.all(Array.from({ length: Math.min(50, 1003 - i) }, (_, j) => sendOk(socket, conversation.id, `pumpkin report ${i + j}`)))
    }
    await post(alice, other.id, 'pumpkin in another room')
    await post(alice, other.id, 'the newest pumpkinseed')

    const first = must(await search(alice, { q: 'pumpkin', limit: 50 }), 'first page')
    expect(first).toMatchObject({ total: 1000, totalCapped: true })
    expect(first.results).toHaveLength(50)
    expect(first.nextCursor).not.toBeNull()
    // Whole-word matches rank first; the part-of-a-word one is found too.
    expect(first.results.map(r => r.message.content)).not.toContain('the newest pumpkinseed')
    const partial = must(await search(alice, { q: 'umpkinsee' }), 'partial')
    expect(partial).toMatchObject({ total: 1, totalCapped: false })
    expect(partial.results[0]!.highlight).toBe('the newest p<mark>umpkinsee</mark>d')

    // Inside one conversation: its own count, and nothing from the other room.
    const inOther = must(await search(alice, { q: 'pumpkin', conversationId: other.id }), 'in other')
    expect(inOther.results.map(r => r.message.content).sort()).toEqual(['pumpkin in another room', 'the newest pumpkinseed'])
    expect(inOther).toMatchObject({ total: 2, totalCapped: false })
    const inMain = must(await search(alice, { q: 'pumpkin', conversationId: conversation.id, limit: 5 }), 'in main')
    expect(inMain).toMatchObject({ total: 1000, totalCapped: true })
    expect(inMain.results.every(r => r.message.conversationId === conversation.id)).toBe(true)

    // Filters only: newest first, capped the same way, every page distinct.
    const seen = new Set<string>()
    let cursor: string | null = null
    for (let page = 0; page < 3; page++) {
      const body: SearchResponse = must(await search(alice, { q: 'from:me', limit: 50, ...(cursor ? { cursor } : {}) }), 'filters page')
      expect(body).toMatchObject({ total: 1000, totalCapped: true })
      for (const r of body.results) seen.add(r.message.id)
      cursor = body.nextCursor
    }
    expect(seen.size).toBe(150)
    const newest = must(await search(alice, { q: 'from:me', limit: 1 }), 'newest')
    expect(newest.results[0]!.message.content).toBe('the newest pumpkinseed')
  }, 180_000)
})
