import { randomUUID } from 'node:crypto'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { AnalyticsConversationRow, AnalyticsMessageRow, AnalyticsSummary } from '#admin-shared/analytics-schemas'
import type { Message } from '#shared/types'
import { ack, aliceBobAndMallory, api, closeAllSockets, logIn, sendOk, signUp, type SendAck, type Session } from '../support/helpers'

afterEach(() => closeAllSockets())

let admin: Session
beforeAll(async () => {
  admin = await logIn('admin@example.com')
})

const today = () => new Date().toISOString().slice(0, 10)
const summary = (q: string) => api<AnalyticsSummary>(admin.base, 'GET', `/api/admin/analytics?${q}`, { token: admin.token })
type Page = { messages: AnalyticsMessageRow[], nextCursor: string | null }
const messagesOf = (q: string) => api<Page>(admin.base, 'GET', `/api/admin/analytics/messages?${q}`, { token: admin.token })

async function allPages(q: string, limit: number): Promise<{ pages: number, ids: string[] }> {
  const ids: string[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const res: Awaited<ReturnType<typeof messagesOf>> = await messagesOf(`${q}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`)
    expect(res.status).toBe(200)
    ids.push(...res.body.messages.map(m => m.id))
    cursor = res.body.nextCursor
    pages++
  } while (cursor && pages < 50)
  return { pages, ids }
}

describe('analytics routes are for admins only', () => {
  const paths = (projectId: string) => [
    `/api/admin/analytics?projectId=${projectId}&from=${today()}&to=${today()}`,
    `/api/admin/analytics?projectId=nonsense`,
    `/api/admin/analytics/conversations?projectId=${projectId}&from=${today()}&to=${today()}`,
    `/api/admin/analytics/messages?projectId=${projectId}&from=${today()}&to=${today()}`
  ]

  it('answers FORBIDDEN to a member and UNAUTHENTICATED without a token, before reading input', async () => {
    const member = await signUp('Member')
    for (const path of paths(randomUUID())) {
      const forbidden = await api(member.base, 'GET', path, { token: member.token })
      expect(forbidden.status, path).toBe(403)
      expect(forbidden.body).toEqual({ error: { code: 'FORBIDDEN', message: expect.any(String) } })
      const anonymous = await api(member.base, 'GET', path)
      expect(anonymous.status, path).toBe(401)
      expect(anonymous.body.error?.code).toBe('UNAUTHENTICATED')
    }
  })
})

describe('analytics range validation', () => {
  const fieldsOf = (body: { error?: { code: string, details?: unknown } }) =>
    ((body.error?.details as { fields?: { field: string }[] } | undefined)?.fields ?? []).map(f => f.field)

  it('names the field: to before from, more than 366 days, a date that does not exist, a missing project', async () => {
    const projectId = randomUUID()
    const cases: [string, string][] = [
      [`projectId=${projectId}&from=2026-03-10&to=2026-03-09`, 'to'],
      [`projectId=${projectId}&from=2025-01-01&to=2026-01-02`, 'to'],
      [`projectId=${projectId}&from=2026-02-30&to=2026-03-01`, 'from'],
      [`projectId=${projectId}&from=yesterday&to=2026-03-01`, 'from'],
      [`from=2026-03-01&to=2026-03-01`, 'projectId']
    ]
    for (const [q, field] of cases) {
      const res = await summary(q)
      expect(res.status, q).toBe(400)
      expect(res.body).toMatchObject({ error: { code: 'VALIDATION' } })
      expect(fieldsOf(res.body as never), q).toContain(field)
    }
    const bad = await messagesOf(`projectId=${projectId}&from=2026-03-01&to=2026-03-02&weekday=3`)
    expect(fieldsOf(bad.body as never)).toContain('hour')
    const outside = await messagesOf(`projectId=${projectId}&from=2026-03-01&to=2026-03-02&day=2026-03-05`)
    expect(fieldsOf(outside.body as never)).toContain('day')
    const cursor = await messagesOf(`projectId=${projectId}&from=2026-03-01&to=2026-03-02&cursor=garbage`)
    expect(fieldsOf(cursor.body as never)).toContain('cursor')
    // A full year is allowed; an unknown project is NOT_FOUND.
    const year = await summary(`projectId=${projectId}&from=2025-01-01&to=2025-12-31`)
    expect(year.status).toBe(404)
    expect(year.body).toMatchObject({ error: { code: 'NOT_FOUND' } })
  })
})

describe('analytics without a range', () => {
  it('reads the last 30 days, as the dashboard opens, when from and to are omitted; one bound alone sets the other', async () => {
    const { projectId, conversation, a } = await aliceBobAndMallory()
    await sendOk(a, conversation.id, 'counted in the default range')
    const day = today()
    const monthAgo = new Date(Date.parse(`${day}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10)

    const res = await summary(`projectId=${projectId}`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ from: monthAgo, to: day, totalMessages: 1 })
    expect(res.body.messagesByDay).toHaveLength(30)
    const cleared = await summary(`projectId=${projectId}&from=&to=`)
    expect(cleared.body).toMatchObject({ from: monthAgo, to: day, totalMessages: 1 })

    expect((await summary(`projectId=${projectId}&to=2026-03-31`)).body).toMatchObject({ from: '2026-03-02', to: '2026-03-31' })
    expect((await summary(`projectId=${projectId}&from=${day}`)).body).toMatchObject({ from: day, to: day, totalMessages: 1 })

    const convs = await api<{ conversations: AnalyticsConversationRow[] }>(admin.base, 'GET', `/api/admin/analytics/conversations?projectId=${projectId}`, { token: admin.token })
    expect(convs.status).toBe(200)
    expect(convs.body.conversations.map(c => c.conversationId)).toEqual([conversation.id])
    const page = await messagesOf(`projectId=${projectId}&conversationId=${conversation.id}`)
    expect(page.status).toBe(200)
    expect(page.body.messages.map(m => m.content)).toEqual(['counted in the default range'])
  })
})

describe('analytics figures', () => {
  it('counts what was sent: system lines left out, thread replies and deleted messages in; first responses per turn', async () => {
    const { alice, bob, projectId, conversation, a, b } = await aliceBobAndMallory()
    const sent: Message[] = []
    sent.push(await sendOk(a, conversation.id, 'first'))
    sent.push(await sendOk(a, conversation.id, 'second, same turn'))
    sent.push(await sendOk(b, conversation.id, 'bob answers'))
    // A pin writes a system line: not a message anyone sent, so it is not counted.
    const pinned = await api(alice.base, 'POST', `/api/messages/${sent[0]!.id}/pin`, { token: alice.token })
    expect(pinned.status).toBe(200)
    const reply = await ack<SendAck>(b, 'message:send', { clientId: randomUUID(), conversationId: conversation.id, content: 'in the thread', threadRootId: sent[0]!.id })
    if (!reply.ok) throw new Error(reply.error.message)
    sent.push(reply.message)
    sent.push(await sendOk(a, conversation.id, 'alice again, then deletes it'))
    expect((await ack(a, 'message:delete', { messageId: sent[4]!.id })).ok).toBe(true)

    const day = today()
    const res = await summary(`projectId=${projectId}&from=${day}&to=${day}`)
    expect(res.status).toBe(200)
    const s = res.body
    expect(s.totalMessages).toBe(5)
    expect(s.activeConversations).toBe(1)
    expect(s.activeUsers).toBe(2)
    expect(s.messagesByDay).toEqual([{ day, count: 5 }])
    expect(s.topSenders).toEqual([
      { userId: alice.user.id, displayName: 'Alice', count: 3 },
      { userId: bob.user.id, displayName: 'Bob', count: 2 }
    ])
    expect(s.topConversations).toEqual([{ conversationId: conversation.id, title: conversation.title, count: 5 }])
    // Turns: [first, second] (Alice) → [bob answers, thread reply] (Bob) → [alice again] (Alice): two responses.
    const at = (m: Message) => Date.parse(m.createdAt)
    const delays = [Math.floor((at(sent[2]!) - at(sent[0]!)) / 1000), Math.floor((at(sent[4]!) - at(sent[2]!)) / 1000)]
    expect(s.responses).toBe(2)
    expect(s.avgResponseSeconds).toBe((delays[0]! + delays[1]!) / 2)
    expect(s.medianResponseSeconds).toBe((delays[0]! + delays[1]!) / 2)
    const cells = new Map<string, number>()
    for (const m of sent) {
      const d = new Date(m.createdAt)
      const key = `${d.getUTCDay() || 7}:${d.getUTCHours()}`
      cells.set(key, (cells.get(key) ?? 0) + 1)
    }
    expect(s.heatmap.map(c => [`${c.weekday}:${c.hour}`, c.count])).toEqual([...cells.entries()].sort())
    expect(s.reportsOpened).toBe(0)

    // A report opened on one of its messages shows up in the next read, and so does a new message.
    const report = await api(bob.base, 'POST', `/api/messages/${sent[1]!.id}/report`, { token: bob.token, body: { reason: 'spam' } })
    expect(report.status).toBeLessThan(300)
    await sendOk(b, conversation.id, 'one more')
    const again = (await summary(`projectId=${projectId}&from=${day}&to=${day}`)).body
    expect(again.totalMessages).toBe(6)
    expect(again.responses).toBe(3)
    expect(again.reportsOpened).toBe(1)
    // Another day range holds none of it.
    const before = (await summary(`projectId=${projectId}&from=2020-01-01&to=2020-01-31`)).body
    expect(before.totalMessages).toBe(0)
    expect(before.messagesByDay).toHaveLength(31)
    expect(before.avgResponseSeconds).toBeNull()
  })

  it('drills down: the conversations of a day, then their messages, paged by cursor; by sender and by heatmap cell', async () => {
    const { bob, projectId, conversation, a, b } = await aliceBobAndMallory()
    const ids: string[] = []
    for (let i = 0; i < 5; i++) ids.push((await sendOk(i % 2 ? b : a, conversation.id, `message ${i}`)).id)
    const day = today()
    const range = `projectId=${projectId}&from=${day}&to=${day}`

    const convs = await api<{ conversations: AnalyticsConversationRow[] }>(admin.base, 'GET', `/api/admin/analytics/conversations?${range}`, { token: admin.token })
    expect(convs.status).toBe(200)
    expect(convs.body.conversations).toEqual([{ conversationId: conversation.id, title: conversation.title, type: conversation.type, count: 5, senders: 2 }])

    const paged = await allPages(`${range}&day=${day}&conversationId=${conversation.id}`, 2)
    expect(paged.pages).toBe(3)
    expect(paged.ids).toEqual(ids)

    const first = (await messagesOf(`${range}&conversationId=${conversation.id}&limit=1`)).body.messages[0]!
    expect(first).toMatchObject({ id: ids[0], conversationId: conversation.id, seq: expect.any(Number), senderName: 'Alice', content: 'message 0', deletedAt: null })

    // A conversation pages by seq, a project-wide list by time: one's cursor is refused by the other.
    const convCursor = (await messagesOf(`${range}&conversationId=${conversation.id}&limit=1`)).body.nextCursor
    const crossed = await messagesOf(`${range}&senderId=${bob.user.id}&cursor=${convCursor}`)
    expect(crossed.status).toBe(400)
    expect(crossed.body).toMatchObject({ error: { code: 'VALIDATION', details: { fields: [{ field: 'cursor' }] } } })

    const bobs = await allPages(`${range}&senderId=${bob.user.id}`, 50)
    expect(bobs.ids).toEqual([ids[1], ids[3]])
    const byTime = await allPages(`${range}&senderId=${bob.user.id}`, 1)
    expect(byTime).toEqual({ pages: 2, ids: [ids[1], ids[3]] })

    const d = new Date(first.createdAt)
    const cell = await allPages(`${range}&weekday=${d.getUTCDay() || 7}&hour=${d.getUTCHours()}`, 50)
    expect(cell.ids).toContain(ids[0])
    const otherHour = (d.getUTCHours() + 12) % 24
    expect((await allPages(`${range}&weekday=${d.getUTCDay() || 7}&hour=${otherHour}`, 50)).ids).toEqual([])
  })
})
