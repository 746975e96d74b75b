import { sql, type SQL } from 'drizzle-orm'
import { analyticsMessagesQuerySchema, type AnalyticsMessageRow } from '#shared/analytics-schemas'
import { rowsOf, useDb } from '~~/server/db/client'
import { AppError, parseInput } from '~~/server/utils/errors'
import { assertAdmin } from '~~/server/services/access'
import type { Actor } from '~~/server/services/users'
import { conversationTitle, rangeBounds } from './analytics'

interface Cursor { t: string, id: string }

/** Keyset cursor: the exact created_at (microseconds, as text; a JS Date would drop them) and id. */
export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.t, c.id])).toString('base64url')
}

export function decodeCursor(raw: string): Cursor {
  try {
    const [t, id] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown[]
    if (typeof t === 'string' && typeof id === 'string' && /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(t) && /^[0-9a-f-]{36}$/i.test(id)) return { t, id }
  } catch { /* answered below */ }
  throw new AppError('VALIDATION', 'cursor: not a cursor from this endpoint', { fields: [{ field: 'cursor', message: 'invalid cursor' }] })
}

/**
 * The counted messages behind a figure (same definition as the rollup: not system lines, thread
 * replies and deleted messages included), oldest first, keyset-paged on (created_at, id).
 */
export async function listAnalyticsMessages(actor: Actor, input: unknown): Promise<{ messages: AnalyticsMessageRow[], nextCursor: string | null }> {
  assertAdmin(actor)
  const q = parseInput(analyticsMessagesQuerySchema, input)
  const cursor = q.cursor ? decodeCursor(q.cursor) : null
  const db = await useDb()
  const { start, end } = q.day ? rangeBounds(q.day, q.day) : rangeBounds(q.from, q.to)
  const where: SQL[] = [
    sql`c.project_id = ${q.projectId}`,
    sql`m.type <> 'system'`,
    sql`m.created_at >= ${start.toISOString()}::timestamptz`,
    sql`m.created_at < ${end.toISOString()}::timestamptz`
  ]
  if (q.conversationId) where.push(sql`m.conversation_id = ${q.conversationId}`)
  if (q.senderId) where.push(sql`m.sender_id = ${q.senderId}`)
  if (q.weekday !== undefined && q.hour !== undefined) {
    where.push(sql`extract(isodow from m.created_at at time zone 'UTC') = ${q.weekday}`)
    where.push(sql`extract(hour from m.created_at at time zone 'UTC') = ${q.hour}`)
  }
  if (cursor) where.push(sql`(m.created_at, m.id) > (${cursor.t}::timestamptz, ${cursor.id}::uuid)`)
  const rows = rowsOf<AnalyticsMessageRow & { cursorAt: string }>(await db.execute(sql`
    select m.id, m.conversation_id as "conversationId", ${conversationTitle('c')} as "conversationTitle", m.seq,
           m.sender_id as "senderId", p.display_name as "senderName", m.content, m.thread_root_id as "threadRootId",
           m.deleted_at as "deletedAt", m.created_at as "createdAt",
           to_char(m.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "cursorAt"
    from messages m
    join conversations c on c.id = m.conversation_id
    join profiles p on p.id = m.sender_id
    where ${sql.join(where, sql` and `)}
    order by m.created_at, m.id
    limit ${q.limit + 1}`))
  const page = rows.slice(0, q.limit)
  const last = page.at(-1)
  return {
    messages: page.map(({ cursorAt: _c, ...r }) => ({
      ...r,
      seq: Number(r.seq),
      deletedAt: r.deletedAt ? new Date(r.deletedAt).toISOString() : null,
      createdAt: new Date(r.createdAt).toISOString()
    })),
    nextCursor: rows.length > q.limit && last ? encodeCursor({ t: last.cursorAt, id: last.id }) : null
  }
}
