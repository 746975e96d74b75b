import { sql, type SQL } from 'drizzle-orm'
import type { AnalyticsMessageRow, AnalyticsMessagesQuery } from '#admin-shared/analytics-schemas'
import { AppError, assertAdmin, rowsOf, useDb, type Actor } from '~~/server/admin-surface'
import { conversationTitle, rangeBounds } from './summary'

/**
 * Keyset cursors. Across conversations: the exact created_at (microseconds, as text; a JS Date
 * would drop them) and the id. Within one conversation: its seq, so the page walks the
 * (conversation_id, seq) index in the conversation's own order instead of sorting the conversation.
 */
type Cursor = { t: string, id: string } | { seq: number }

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify('seq' in c ? ['s', c.seq] : [c.t, c.id])).toString('base64url')
}

function decodeCursor(raw: string): Cursor {
  try {
    const [a, b] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown[]
    if (a === 's' && Number.isSafeInteger(b) && (b as number) >= 0) return { seq: b as number }
    if (typeof a === 'string' && typeof b === 'string' && /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(a) && /^[0-9a-f-]{36}$/i.test(b)) return { t: a, id: b }
  } catch { /* answered below */ }
  throw new AppError('VALIDATION', 'cursor: not a cursor from this endpoint', { fields: [{ field: 'cursor', message: 'invalid cursor' }] })
}

/**
 * The counted messages behind a figure (same definition as the rollup: not system lines, thread
 * replies and deleted messages included), oldest first: in seq order within one conversation,
 * by (created_at, id) across conversations; keyset-paged either way.
 */
export async function listAnalyticsMessages(actor: Actor, q: AnalyticsMessagesQuery): Promise<{ messages: AnalyticsMessageRow[], nextCursor: string | null }> {
  assertAdmin(actor)
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
  const bySeq = q.conversationId !== undefined
  if (cursor) {
    if (bySeq !== 'seq' in cursor) throw new AppError('VALIDATION', 'cursor: from another listing', { fields: [{ field: 'cursor', message: 'from another listing' }] })
    where.push('seq' in cursor ? sql`m.seq > ${cursor.seq}` : sql`(m.created_at, m.id) > (${cursor.t}::timestamptz, ${cursor.id}::uuid)`)
  }
  const rows = rowsOf<AnalyticsMessageRow & { cursorAt: string }>(await db.execute(sql`
    select m.id, m.conversation_id as "conversationId", ${conversationTitle} as "conversationTitle", m.seq,
           m.sender_id as "senderId", p.display_name as "senderName", m.content, m.thread_root_id as "threadRootId",
           m.deleted_at as "deletedAt", m.created_at as "createdAt",
           to_char(m.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "cursorAt"
    from messages m
    join conversations c on c.id = m.conversation_id
    join profiles p on p.id = m.sender_id
    where ${sql.join(where, sql` and `)}
    order by ${bySeq ? sql`m.seq` : sql`m.created_at, m.id`}
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
    nextCursor: rows.length > q.limit && last ? encodeCursor(bySeq ? { seq: Number(last.seq) } : { t: last.cursorAt, id: last.id }) : null
  }
}
