import { afterAll, describe, expect, it } from 'vitest'
import type { SearchResponse } from '#shared/search-schemas'
import { SUITE_AUTH_LIMITS, startInstance, type Instance } from '../support/instance.mjs'
import { api, closeAllSockets, connect, must, sendOk, setupConversation, signUp, type Session } from '../support/helpers'

async function contents(session: Session, q: string) {
  const query = new URLSearchParams({ q, limit: '50' })
  const body = must(await api<SearchResponse>(session.base, 'GET', `/api/search?${query}`, { token: session.token }), `search ${q}`)
  return { found: body.results.map(r => r.message.content).sort(), total: body.total }
}

describe('search far back in a long conversation', () => {
  let server: Instance | undefined
  afterAll(async () => {
    closeAllSockets()
    await server?.stop()
  })

  it('finds phrases and CJK terms only in messages older than the newest few thousand, exactly as near ones', async () => {
    // A server of its own: thousands of messages are far past the default send budget.
    server = await startInstance({ pgliteTemplate: true, env: { ...SUITE_AUTH_LIMITS, CHAT_RATE_LIMIT_PER_MINUTE: '100000' } })
    const alice = await signUp('Alice Deep', server.url)
    const { conversation } = await setupConversation(alice, [])
    const socket = await connect(alice)
    const old = ['the blue whale sings at dawn', 'a whale that is blue', 'whale blue', '打ち合わせの議事録', '録事議の順', '議事の録画']
    for (const content of old) await sendOk(socket, conversation.id, content)
    // Newer messages than search reads first, none of them a match: the old ones are found through the indexes.
    const newer = 4_100
    for (let i = 0; i < newer; i += 100) {
      await Promise.all(Array.from({ length: Math.min(100, newer - i) }, (_, j) => sendOk(socket, conversation.id, `filler update ${i + j}`)))
    }

    expect(await contents(alice, '"blue whale"')).toEqual({ found: ['the blue whale sings at dawn'], total: 1 })
    expect(await contents(alice, '"whale sings at dawn"')).toEqual({ found: ['the blue whale sings at dawn'], total: 1 })
    expect(await contents(alice, '"whale blue"')).toEqual({ found: ['whale blue'], total: 1 })
    expect(await contents(alice, 'blue whale')).toEqual({ found: ['a whale that is blue', 'the blue whale sings at dawn', 'whale blue'], total: 3 })
    expect(await contents(alice, '"blue dawn"')).toEqual({ found: [], total: 0 })
    expect(await contents(alice, '議事録')).toEqual({ found: ['打ち合わせの議事録'], total: 1 })
    expect(await contents(alice, '事議')).toEqual({ found: ['録事議の順'], total: 1 })
    expect(await contents(alice, '議事')).toEqual({ found: ['打ち合わせの議事録', '議事の録画'], total: 2 })
  }, 180_000)
})
