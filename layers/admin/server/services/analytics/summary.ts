import { sql } from 'drizzle-orm'
import {
  ANALYTICS_TOP_LIMIT, addDays, eachDay,
  type AnalyticsConversationRow, type AnalyticsConversationsQuery, type AnalyticsQuery, type AnalyticsSummary
} from '#admin-shared/analytics-schemas'
import {
  aliasedConversation, AppError, assertAdmin, rowsOf, shownConversationTitle, useDb, type Actor, type Db
} from '~~/server/admin-surface'
import { foldHours, medianFromHistogram } from './median'
import { foldProject, noJit } from './rollup'

/** [from 00:00 UTC, the day after `to` 00:00 UTC): the range's inclusive days as instants. */
export function rangeBounds(from: string, to: string): { start: Date, end: Date } {
  return { start: new Date(`${from}T00:00:00Z`), end: new Date(`${addDays(to, 1)}T00:00:00Z`) }
}

async function assertProject(db: Db, projectId: string) {
  const rows = rowsOf<{ id: string }>(await db.execute(sql`select id from projects where id = ${projectId}`))
  if (!rows.length) throw new AppError('NOT_FOUND', 'project not found', { fields: [{ field: 'projectId', message: 'no such project' }] })
}

/** The shown title of `conversations c` in the raw queries below. */
export const conversationTitle = shownConversationTitle(aliasedConversation('c'))

/** The dashboard's figures for one project over inclusive UTC days; the tail is folded first. */
export async function getAnalytics(actor: Actor, q: AnalyticsQuery): Promise<AnalyticsSummary> {
  assertAdmin(actor)
  const db = await useDb()
  await assertProject(db, q.projectId)
  await foldProject(db, q.projectId)
  const { start, end } = rangeBounds(q.from, q.to)
  const inRange = sql`h.project_id = ${q.projectId} and h.hour >= ${start.toISOString()}::timestamptz and h.hour < ${end.toISOString()}::timestamptz`

  // One transaction: every figure from one snapshot, and no JIT compile for these small aggregates.
  const { totals, hours, topConversations, topSenders, histogram, reports } = await db.transaction(async (tx) => {
    await tx.execute(noJit)
    const [totals] = rowsOf<{ total: number, conversations: number, users: number }>(await tx.execute(sql`
      select coalesce(sum(h.messages), 0)::int as total, count(distinct h.conversation_id)::int as conversations,
             count(distinct h.sender_id)::int as users
      from analytics_hourly h where ${inRange}`))
    // One pass per hour (at most 8,784 rows a year); days and weekday × hour cells are folded from it.
    const hours = rowsOf<{ hour: string, count: number }>(await tx.execute(sql`
      select to_char(x.hour at time zone 'UTC', 'YYYY-MM-DD"T"HH24') as hour, x.count
      from (select h.hour, sum(h.messages)::int as count from analytics_hourly h where ${inRange} group by h.hour) x
      order by x.hour`))
    const topConversations = rowsOf<{ conversationId: string, title: string, count: number }>(await tx.execute(sql`
      select t.conversation_id as "conversationId", ${conversationTitle} as title, t.count
      from (select h.conversation_id, sum(h.messages)::int as count from analytics_hourly h where ${inRange}
            group by 1 order by 2 desc, 1 limit ${ANALYTICS_TOP_LIMIT}) t
      join conversations c on c.id = t.conversation_id
      order by t.count desc, t.conversation_id`))
    const topSenders = rowsOf<{ userId: string, displayName: string, count: number }>(await tx.execute(sql`
      select t.sender_id as "userId", p.display_name as "displayName", t.count
      from (select h.sender_id, sum(h.messages)::int as count from analytics_hourly h where ${inRange}
            group by 1 order by 2 desc, 1 limit ${ANALYTICS_TOP_LIMIT}) t
      join profiles p on p.id = t.sender_id
      order by t.count desc, t.sender_id`))
    const histogram = rowsOf<{ seconds: number, responses: number }>(await tx.execute(sql`
      select r.seconds, sum(r.responses)::int as responses from analytics_responses r
      where r.project_id = ${q.projectId} and r.day >= ${q.from}::date and r.day <= ${q.to}::date
      group by 1 order by 1`))
    const [reports] = rowsOf<{ opened: number, resolved: number }>(await tx.execute(sql`
      select count(*) filter (where r.created_at >= ${start.toISOString()}::timestamptz and r.created_at < ${end.toISOString()}::timestamptz)::int as opened,
             count(*) filter (where r.status = 'resolved' and r.resolved_at >= ${start.toISOString()}::timestamptz and r.resolved_at < ${end.toISOString()}::timestamptz)::int as resolved
      from reports r join messages m on m.id = r.message_id join conversations c on c.id = m.conversation_id
      where c.project_id = ${q.projectId}`))
    return { totals, hours, topConversations, topSenders, histogram, reports }
  })

  const { byDay, heatmap } = foldHours(hours.map(h => ({ hour: h.hour, count: Number(h.count) })))
  const counts = new Map(byDay.map(d => [d.day, d.count]))
  const responses = histogram.reduce((n, b) => n + Number(b.responses), 0)
  const secondsSum = histogram.reduce((n, b) => n + Number(b.seconds) * Number(b.responses), 0)
  return {
    projectId: q.projectId,
    from: q.from,
    to: q.to,
    totalMessages: Number(totals?.total ?? 0),
    activeConversations: Number(totals?.conversations ?? 0),
    activeUsers: Number(totals?.users ?? 0),
    avgResponseSeconds: responses ? secondsSum / responses : null,
    medianResponseSeconds: medianFromHistogram(histogram.map(b => ({ value: Number(b.seconds), count: Number(b.responses) }))),
    responses,
    messagesByDay: eachDay(q.from, q.to).map(day => ({ day, count: counts.get(day) ?? 0 })),
    heatmap,
    topConversations: topConversations.map(c => ({ ...c, count: Number(c.count) })),
    topSenders: topSenders.map(s => ({ ...s, count: Number(s.count) })),
    reportsOpened: Number(reports?.opened ?? 0),
    reportsResolved: Number(reports?.resolved ?? 0),
    asOf: new Date().toISOString()
  }
}

/** Every conversation with counted messages in the range (optionally one sender's), busiest first. */
export async function getAnalyticsConversations(actor: Actor, q: AnalyticsConversationsQuery): Promise<{ conversations: AnalyticsConversationRow[] }> {
  assertAdmin(actor)
  const db = await useDb()
  await assertProject(db, q.projectId)
  await foldProject(db, q.projectId)
  const { start, end } = rangeBounds(q.from, q.to)
  const rows = rowsOf<AnalyticsConversationRow>(await db.execute(sql`
    select t.conversation_id as "conversationId", ${conversationTitle} as title, c.type, t.count, t.senders
    from (select h.conversation_id, sum(h.messages)::int as count, count(distinct h.sender_id)::int as senders
          from analytics_hourly h
          where h.project_id = ${q.projectId} and h.hour >= ${start.toISOString()}::timestamptz and h.hour < ${end.toISOString()}::timestamptz
            ${q.senderId ? sql`and h.sender_id = ${q.senderId}` : sql``}
          group by 1 order by 2 desc, 1 limit ${q.limit}) t
    join conversations c on c.id = t.conversation_id
    order by t.count desc, t.conversation_id`))
  return { conversations: rows.map(r => ({ ...r, count: Number(r.count), senders: Number(r.senders) })) }
}
