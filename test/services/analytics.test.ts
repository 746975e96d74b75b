import { randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { AnalyticsSummary } from '#admin-shared/analytics-schemas'
import { api, closeAllSockets, connect, logIn, sendOk, setupConversation, signUp, type Session } from '../support/helpers'
import { instances } from './helpers'

// Analytics on Postgres with two instances: every figure against the same count written directly in
// SQL (turns computed another way: lag over turn starts), on a dataset seeded here in SQL.

let sql: postgres.Sql
let admin: Session
const P1 = randomUUID()
const P2 = randomUUID()
const users = Array.from({ length: 6 }, (_, i) => ({ id: randomUUID(), name: `Analyst ${i}` }))
const convs = [
  { id: randomUUID(), project: P1, title: 'alpha' },
  { id: randomUUID(), project: P1, title: 'beta' },
  { id: randomUUID(), project: P1, title: 'gamma' },
  { id: randomUUID(), project: P2, title: 'other project' }
]

function rng(seed: number) {
  let s = seed >>> 0
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32 }
}

/** Appends `n` messages to a conversation the way the send path does: seq and last_seq in one transaction. */
async function append(conversationId: string, n: number, opts: { startAt: number, rand: () => number, senders: number }) {
  await sql.begin(async (tx) => {
    const [c] = await tx<{ last_seq: string }[]>`select last_seq from conversations where id = ${conversationId} for update`
    let seq = Number(c!.last_seq)
    let at = opts.startAt
    let sender = 0
    const roots: string[] = []
    const rows = []
    for (let i = 0; i < n; i++) {
      seq++
      // Runs of one sender, gaps from seconds to a day, so turns cross hours, days and range edges.
      if (opts.rand() < 0.6) sender = Math.floor(opts.rand() * opts.senders)
      at += Math.floor(opts.rand() ** 3 * 86_400_000) + 1000
      const r = opts.rand()
      const id = randomUUID()
      const type = r < 0.05 ? 'system' : 'text'
      const threadRootId = r > 0.85 && roots.length ? roots[Math.floor(opts.rand() * roots.length)]! : null
      if (!threadRootId && type === 'text') roots.push(id)
      const deleted = r > 0.05 && r < 0.12
      rows.push({
        id, conversation_id: conversationId, seq, updated_seq: seq, client_id: randomUUID(), sender_id: users[sender]!.id,
        type, content: deleted ? '' : `m${seq}`, content_html: deleted ? '' : `<p>m${seq}</p>`, thread_root_id: threadRootId,
        deleted_at: deleted ? new Date(at + 5000) : null, created_at: new Date(at)
      })
    }
    for (let i = 0; i < rows.length; i += 500) await tx`insert into messages ${tx(rows.slice(i, i + 500))}`
    await tx`update conversations set last_seq = ${seq} where id = ${conversationId}`
  })
}

const START = Date.parse('2026-03-01T00:00:00Z')

async function expected(projectId: string, from: string, to: string) {
  const start = `${from}T00:00:00Z`
  const end = new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString()
  const counted = sql`messages m join conversations c on c.id = m.conversation_id
    where c.project_id = ${projectId} and m.type <> 'system' and m.created_at >= ${start} and m.created_at < ${end}`
  const [totals] = await sql`select count(*)::int as total, count(distinct m.conversation_id)::int as convs, count(distinct m.sender_id)::int as users from ${counted}`
  const byDay = await sql`select to_char(m.created_at at time zone 'UTC', 'YYYY-MM-DD') as day, count(*)::int as count from ${counted} group by 1 order by 1`
  const heat = await sql`select extract(isodow from m.created_at at time zone 'UTC')::int as weekday, extract(hour from m.created_at at time zone 'UTC')::int as hour, count(*)::int as count
    from ${counted} group by 1, 2 order by 1, 2`
  const topC = await sql`select m.conversation_id as "conversationId", count(*)::int as count from ${counted} group by 1 order by 2 desc, 1 limit 10`
  const topS = await sql`select m.sender_id as "userId", count(*)::int as count from ${counted} group by 1 order by 2 desc, 1 limit 10`
  const [resp] = await sql`
    with m as (select m.conversation_id, m.sender_id, m.created_at, m.seq from messages m join conversations c on c.id = m.conversation_id
               where c.project_id = ${projectId} and m.type <> 'system'),
    starts as (select * from (select m.*, lag(sender_id) over (partition by conversation_id order by seq) as prev from m) x
               where prev is distinct from sender_id),
    r as (select created_at, lag(created_at) over (partition by conversation_id order by seq) as prev_start from starts)
    select count(*)::int as n, avg(s)::float8 as avg, percentile_cont(0.5) within group (order by s)::float8 as median
    from (select greatest(0, floor(extract(epoch from created_at - prev_start)))::int as s from r
          where prev_start is not null and created_at >= ${start} and created_at < ${end}) y`
  return { totals: totals!, byDay, heat, topC, topS, resp: resp! }
}

async function compare(projectId: string, from: string, to: string, base = instances().A) {
  const res = await api<AnalyticsSummary>(base, 'GET', `/api/admin/analytics?projectId=${projectId}&from=${from}&to=${to}`, { token: admin.token })
  expect(res.status).toBe(200)
  const s = res.body
  const e = await expected(projectId, from, to)
  expect(s.totalMessages).toBe(e.totals.total)
  expect(s.activeConversations).toBe(e.totals.convs)
  expect(s.activeUsers).toBe(e.totals.users)
  expect(s.messagesByDay.filter(d => d.count > 0)).toEqual(e.byDay.map(d => ({ day: d.day, count: d.count })))
  expect(s.heatmap).toEqual(e.heat.map(c => ({ weekday: c.weekday, hour: c.hour, count: c.count })))
  expect(s.topConversations.map(c => [c.conversationId, c.count])).toEqual(e.topC.map(c => [c.conversationId, c.count]))
  expect(s.topSenders.map(c => [c.userId, c.count])).toEqual(e.topS.map(c => [c.userId, c.count]))
  expect(s.responses).toBe(e.resp.n)
  if (e.resp.n) {
    expect(s.avgResponseSeconds).toBeCloseTo(e.resp.avg, 6)
    expect(s.medianResponseSeconds).toBe(e.resp.median)
  } else {
    expect(s.avgResponseSeconds).toBeNull()
  }
  return s
}

beforeAll(async () => {
  sql = postgres(inject('services').databaseUrl, { max: 4, onnotice: () => {} })
  admin = await logIn('admin@example.com', undefined, instances().A)
  await sql`insert into profiles ${sql(users.map(u => ({ id: u.id, email: `${u.id}@analytics.test`, display_name: u.name })))}`
  await sql`insert into projects ${sql([{ id: P1, name: 'analytics one' }, { id: P2, name: 'analytics two' }])}`
  await sql`insert into conversations ${sql(convs.map(c => ({ id: c.id, project_id: c.project, type: 'group', title: c.title })))}`
  const rand = rng(7)
  for (const [i, c] of convs.entries()) await append(c.id, [400, 250, 120, 300][i]!, { startAt: START + i * 3_600_000, rand, senders: [6, 3, 1, 4][i]! })
})

afterAll(async () => {
  closeAllSockets()
  await sql.end({ timeout: 5 })
})

describe('analytics on Postgres equal counts computed directly in SQL', () => {
  it('every figure, over the whole span, a window whose turns start before it, and a single day', async () => {
    const all = await compare(P1, '2026-02-20', '2027-02-19')
    expect(all.totalMessages).toBeGreaterThan(600)
    expect(all.responses).toBeGreaterThan(100)
    await compare(P1, '2026-03-20', '2026-04-20')
    await compare(P1, '2026-04-02', '2026-04-02')
    await compare(P2, '2026-02-20', '2027-02-19')
    // Top lists carry names.
    expect(all.topConversations.map(c => c.title).sort()).toEqual(['alpha', 'beta', 'gamma'])
    expect(all.topSenders.every(s => s.displayName.startsWith('Analyst '))).toBe(true)
  })

  it('two instances folding the same new messages at once count them once', async () => {
    const { A, B } = instances()
    for (let round = 0; round < 3; round++) {
      await append(convs[round]!.id, 300, { startAt: Date.parse('2026-06-01T00:00:00Z') + round * 86_400_000, rand: rng(100 + round), senders: 4 })
      const reads = await Promise.all([A, B, A, B].map(base => api<AnalyticsSummary>(base, 'GET', `/api/admin/analytics?projectId=${P1}&from=2026-02-20&to=2027-02-19`, { token: admin.token })))
      const totals = reads.map(r => r.body.totalMessages)
      const [direct] = await sql`select count(*)::int as n from messages m join conversations c on c.id = m.conversation_id where c.project_id = ${P1} and m.type <> 'system'`
      expect(totals).toEqual([direct!.n, direct!.n, direct!.n, direct!.n])
      const [rolled] = await sql`select sum(messages)::int as n from analytics_hourly where project_id = ${P1}`
      expect(rolled!.n).toBe(direct!.n)
    }
    await compare(P1, '2026-02-20', '2027-02-19', B)
  })

  it('messages sent through the app after a read show up in the next read', async () => {
    const { A, B } = instances()
    const alice = await signUp('Alice', A)
    const bob = await signUp('Bob', B)
    const { projectId, conversation } = await setupConversation(alice, [bob], 'live', A)
    const [a, b] = await Promise.all([connect(alice, { base: A }), connect(bob, { base: B })])
    const day = new Date().toISOString().slice(0, 10)
    const first = await compare(projectId, day, day)
    expect(first.totalMessages).toBe(0)
    await sendOk(a, conversation.id, 'hello')
    await sendOk(b, conversation.id, 'hi')
    const second = await compare(projectId, day, day, B)
    expect(second.totalMessages).toBe(2)
    expect(second.responses).toBe(1)
    await sendOk(a, conversation.id, 'how are you')
    const third = await compare(projectId, day, day, A)
    expect(third.totalMessages).toBe(3)
    expect(third.responses).toBe(2)
  })
})
