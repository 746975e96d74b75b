import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { Attachment, Message } from '#shared/types'
import { api, setupConversation, signUp, type Session } from '../support/helpers'
import { png } from './upload-helpers'

interface SearchBody {
  results: { message: Message, highlight: string }[]
  total: number
  totalCapped: boolean
  nextCursor: string | null
}

async function post(session: Session, conversationId: string, content: string, attachmentIds?: string[]): Promise<Message> {
  const res = await api<{ message: Message }>(session.base, 'POST', `/api/conversations/${conversationId}/messages`, {
    token: session.token, body: { clientId: randomUUID(), content, ...(attachmentIds ? { attachmentIds } : {}) }
  })
  if (res.status !== 200) throw new Error(`send failed: ${JSON.stringify(res.body)}`)
  return res.body.message
}

function search(session: Session, params: Record<string, string | number>) {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))
  return api<SearchBody>(session.base, 'GET', `/api/search?${query}`, { token: session.token })
}

/** The contents found for `q`, best first. */
async function found(session: Session, q: string, extra: Record<string, string | number> = {}): Promise<string[]> {
  const res = await search(session, { q, ...extra })
  if (res.status !== 200) throw new Error(`search failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.results.map(r => r.message.content)
}

const day = (iso: string, offsetDays = 0) => new Date(Date.parse(iso) + offsetDays * 86_400_000).toISOString().slice(0, 10)

describe('message search', () => {
  it('finds words by stem, ranks better matches first and marks them in the highlight', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    await post(alice, conversation.id, 'We deployed the release on Friday')
    await post(alice, conversation.id, 'deploy deploy deploy: the deploying never ends')
    await post(alice, conversation.id, 'lunch plans for the weekend')

    const res = await search(alice, { q: 'deploys' })
    expect(res.status).toBe(200)
    expect(res.body.total).toBe(2)
    expect(res.body.totalCapped).toBe(false)
    expect(res.body.nextCursor).toBeNull()
    expect(res.body.results.map(r => r.message.content)).toEqual(['deploy deploy deploy: the deploying never ends', 'We deployed the release on Friday'])
    expect(res.body.results[1]!.highlight).toBe('We <mark>deployed</mark> the release on Friday')
    expect(res.body.results[0]!.message).toMatchObject({ conversationId: conversation.id, senderId: alice.user.id, sender: { displayName: 'Alice' } })

    expect(await found(alice, 'weekend lunch')).toEqual(['lunch plans for the weekend'])
    expect(await found(alice, 'deploy -friday')).toEqual(['deploy deploy deploy: the deploying never ends'])
    expect(await found(alice, 'nothing-like-this')).toEqual([])
  })

  it('matches quoted phrases as adjacent words', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    await post(alice, conversation.id, 'the release plan is ready')
    await post(alice, conversation.id, 'plan the release carefully')
    expect(await found(alice, '"release plan"')).toEqual(['the release plan is ready'])
    expect(await found(alice, '"plan the release" carefully')).toEqual(['plan the release carefully'])
    expect((await found(alice, 'release plan')).sort()).toEqual(['plan the release carefully', 'the release plan is ready'])
  })

  it('filters by sender with from: (display name, email, @handle, me) and by conversation with in:', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { conversation: team, projectId } = await setupConversation(alice, [bob], 'Release Planning')
    const side = await api<{ conversation: { id: string } }>(alice.base, 'POST', `/api/projects/${projectId}/conversations`, {
      token: alice.token, body: { title: 'random', type: 'group', participantIds: [bob.user.id] }
    })
    await post(alice, team.id, 'budget from alice')
    await post(bob, team.id, 'budget from bob')
    await post(bob, side.body.conversation.id, 'budget in random')

    expect((await found(alice, 'budget from:bob')).sort()).toEqual(['budget from bob', 'budget in random'])
    expect(await found(alice, `budget from:${alice.user.email.toUpperCase()}`)).toEqual(['budget from alice'])
    expect(await found(alice, `budget from:@${alice.user.email.split('@')[0]}`)).toEqual(['budget from alice'])
    expect(await found(bob, 'budget from:me in:"release planning"')).toEqual(['budget from bob'])
    expect(await found(alice, 'budget in:random')).toEqual(['budget in random'])
    expect(await found(alice, `budget in:${side.body.conversation.id}`)).toEqual(['budget in random'])
    expect(await found(alice, 'budget in:nowhere')).toEqual([])
    expect((await found(alice, 'budget', { conversationId: team.id })).sort()).toEqual(['budget from alice', 'budget from bob'])
    expect(await found(alice, 'budget', { projectId })).toHaveLength(3)
    expect(await found(alice, 'budget', { projectId: randomUUID() })).toEqual([])
  })

  it('finds messages with attachments with has:file, and filters-only queries list newest first', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    const form = new FormData()
    form.append('file', new Blob(['a,b\n1,2\n'], { type: 'text/csv' }), 'numbers.csv')
    const uploaded = await fetch(`${alice.base}/api/conversations/${conversation.id}/uploads`, { method: 'POST', headers: { authorization: `Bearer ${alice.token}` }, body: form })
    const { attachment } = await uploaded.json() as { attachment: Attachment }
    await post(alice, conversation.id, 'numbers without a file')
    await post(alice, conversation.id, 'numbers for the quarter', [attachment.id])
    await post(alice, conversation.id, 'last one')

    const res = await search(alice, { q: 'numbers has:file' })
    expect(res.body.results.map(r => r.message.content)).toEqual(['numbers for the quarter'])
    expect(res.body.results[0]!.message.attachments.map(a => a.id)).toEqual([attachment.id])

    const onlyFilters = await search(alice, { q: 'from:me' })
    expect(onlyFilters.status).toBe(200)
    expect(onlyFilters.body.results.map(r => r.message.content)).toEqual(['last one', 'numbers for the quarter', 'numbers without a file'])
    expect(onlyFilters.body.results[0]!.highlight).toBe('last one')
    expect(await found(alice, 'has:file')).toEqual(['numbers for the quarter'])
  })

  it('filters with has:image, has:link, is:pinned and is:thread', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    const form = new FormData()
    form.append('file', new Blob([new Uint8Array(png(3, 2))], { type: 'image/png' }), 'chart.png')
    const uploaded = await fetch(`${alice.base}/api/conversations/${conversation.id}/uploads`, { method: 'POST', headers: { authorization: `Bearer ${alice.token}` }, body: form })
    const { attachment } = await uploaded.json() as { attachment: Attachment }
    await post(alice, conversation.id, 'report chart', [attachment.id])
    await post(alice, conversation.id, 'report at https://example.com/q3')
    const pinned = await post(alice, conversation.id, 'report pinned')
    await api(alice.base, 'POST', `/api/messages/${pinned.id}/pin`, { token: alice.token })
    const root = await post(alice, conversation.id, 'report root')
    await api(alice.base, 'POST', `/api/conversations/${conversation.id}/messages`, { token: alice.token, body: { clientId: randomUUID(), content: 'report reply', threadRootId: root.id } })
    await post(alice, conversation.id, 'report plain')

    expect(await found(alice, 'report has:image')).toEqual(['report chart'])
    expect(await found(alice, 'report has:link')).toEqual(['report at https://example.com/q3'])
    expect(await found(alice, 'report is:pinned')).toEqual(['report pinned'])
    expect((await found(alice, 'report is:thread')).sort()).toEqual(['report reply', 'report root'])
  })

  it('limits by day with before: and after: (UTC, both exclusive)', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    const message = await post(alice, conversation.id, 'dated note')
    const today = day(message.createdAt)
    expect(await found(alice, `note after:${day(message.createdAt, -1)}`)).toEqual(['dated note'])
    expect(await found(alice, `note before:${day(message.createdAt, 1)}`)).toEqual(['dated note'])
    expect(await found(alice, `note after:${today}`)).toEqual([])
    expect(await found(alice, `note before:${today}`)).toEqual([])
    expect(await found(alice, `after:${day(message.createdAt, -1)} before:${day(message.createdAt, 1)}`)).toEqual(['dated note'])
  })

  it('never returns messages from conversations the caller is not in', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const mallory = await signUp('Mallory')
    const { conversation, projectId } = await setupConversation(alice, [bob])
    await post(alice, conversation.id, 'secret merger plans')
    // Mallory shares the project but not the conversation, and has a conversation of her own.
    await api(alice.base, 'POST', `/api/projects/${projectId}/members`, { token: alice.token, body: { email: mallory.user.email, role: 'member' } })
    const own = await setupConversation(mallory, [], 'own')
    await post(mallory, own.conversation.id, 'my merger notes')

    const res = await search(mallory, { q: 'merger' })
    expect(res.body.results.map(r => r.message.content)).toEqual(['my merger notes'])
    expect(res.body.total).toBe(1)
    expect(await found(mallory, 'merger', { projectId })).toEqual([])
    expect(await found(mallory, `merger in:${conversation.id}`)).toEqual([])
    expect(await found(mallory, `from:${alice.user.email}`)).toEqual([])
    const forbidden = await search(mallory, { q: 'merger', conversationId: conversation.id })
    expect(forbidden.status).toBe(403)
    expect(forbidden.body.error?.code).toBe('FORBIDDEN')
    expect(await found(bob, 'merger')).toEqual(['secret merger plans'])
  })

  it('never returns deleted messages, and finds an edited one by its new text only', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    const gone = await post(alice, conversation.id, 'obsolete roadmap draft')
    const edited = await post(alice, conversation.id, 'original wording here')
    expect((await api(alice.base, 'DELETE', `/api/messages/${gone.id}`, { token: alice.token })).status).toBe(200)
    expect((await api(alice.base, 'PATCH', `/api/messages/${edited.id}`, { token: alice.token, body: { content: 'revised phrasing here' } })).status).toBe(200)

    expect(await found(alice, 'roadmap')).toEqual([])
    expect(await found(alice, 'from:me roadmap')).toEqual([])
    expect(await found(alice, 'original wording')).toEqual([])
    expect(await found(alice, 'revised')).toEqual(['revised phrasing here'])
    expect(await found(alice, 'from:me')).toEqual(['revised phrasing here'])
  })

  it('pages with the cursor through every result exactly once', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    const sent: string[] = []
    for (let i = 0; i < 13; i++) {
      // Varying repetitions give varying ranks, and equal ones give ties broken by recency.
      const content = `${'kiwi '.repeat(1 + (i % 3))}number ${i}`
      sent.push(content)
      await post(alice, conversation.id, content)
    }
    for (const q of ['kiwi', 'from:me']) {
      const seen: string[] = []
      let cursor: string | null = null
      let pages = 0
      do {
        const res = await search(alice, { q, limit: 5, ...(cursor ? { cursor } : {}) })
        expect(res.status).toBe(200)
        expect(res.body.total).toBe(13)
        seen.push(...res.body.results.map(r => r.message.content))
        cursor = res.body.nextCursor
        pages++
      } while (cursor)
      expect(pages).toBe(3)
      expect(seen).toHaveLength(13)
      expect(new Set(seen)).toEqual(new Set(sent))
    }
    const newestFirst = await found(alice, 'from:me', { limit: 50 })
    expect(newestFirst).toEqual([...sent].reverse())
    const ranked = await found(alice, 'kiwi', { limit: 50 })
    expect(ranked.slice(0, 4).every(c => c.startsWith('kiwi kiwi kiwi '))).toBe(true)
  })

  it('returns the highlight as safe HTML', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    await post(alice, conversation.id, '<script>alert("pwned")</script> & <b>bold</b> pwned \uE000trick\uE001')
    const res = await search(alice, { q: 'pwned' })
    const { highlight } = res.body.results[0]!
    expect(highlight).toBe('&lt;script&gt;alert(&quot;<mark>pwned</mark>&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt; <mark>pwned</mark> trick')
    const filtersOnly = await search(alice, { q: 'from:me' })
    expect(filtersOnly.body.results[0]!.highlight).toBe('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt; pwned trick')
  })

  it('shows long messages as fragments around the matches', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    await post(alice, conversation.id, `${'filler words here '.repeat(30)}the needle <b>is</b> here ${'more padding text '.repeat(30)}`)
    const [result] = (await search(alice, { q: 'needle' })).body.results
    expect(result!.highlight).toContain('the <mark>needle</mark> &lt;b&gt;is&lt;/b&gt; here')
    expect(result!.highlight.length).toBeLessThan(400)
    expect(result!.highlight).not.toMatch(/<(?!\/?mark>)/)
  })

  it('answers VALIDATION naming q, limit or cursor for bad input and 401 without a token', async () => {
    const alice = await signUp('Alice')
    const field = async (params: Record<string, string | number>) => {
      const res = await search(alice, params)
      expect(res.status).toBe(400)
      expect(res.body.error?.code).toBe('VALIDATION')
      return (res.body.error!.details!.fields as { field: string }[])[0]!.field
    }
    expect(await field({ q: '' })).toBe('q')
    expect(await field({ q: '   ' })).toBe('q')
    expect(await field({ q: 'report before:2024-02-30' })).toBe('q')
    expect(await field({ q: 'report after:last-week' })).toBe('q')
    expect(await field({ q: 'x', limit: 51 })).toBe('limit')
    expect(await field({ q: 'x', cursor: 'not-a-cursor' })).toBe('cursor')
    expect((await api(alice.base, 'GET', '/api/search?q=x')).status).toBe(401)
  })
})
