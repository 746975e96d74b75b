import { sql, type SQL } from 'drizzle-orm'
import type { Message, QuotedMessage } from '#shared/types'
import type { Db } from '../../db/client'
import { notProjectBanned } from '../access'
import { toQuoted } from './view'

// A history page in one round trip: the caller's place in the conversation (requireParticipant's
// rule) and the page's rows, each with its reactions, files, mentions, quote and thread summary,
// from a statement prepared once per connection. The page used to take five queries after the
// gate, and most of its server time went into building them and reading their rows. What a message
// looks like is still toMessage's (view.ts): test/integration/history-page.test.ts holds the two equal.

const conversationId = sql.placeholder('conversationId')
const actorId = sql.placeholder('actorId')
const cursor = sql.placeholder('cursor')
const limit = sql.placeholder('limit')

/** The largest seq a page may start below: "the newest page" is the page before it. */
export const NEWEST = Number.MAX_SAFE_INTEGER

/** A timestamp as Date.prototype.toISOString writes it (milliseconds, UTC, `Z`). */
const iso = (column: SQL) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

// What toMessage adds to row `m` of the page, as compact JSON (row_to_json and array_to_json write
// what JSON.stringify would; json_build_object and json_agg add spaces), or null for none. Most
// messages have no reactions, files or mentions: an index probe first is far cheaper than starting
// each aggregate's plan for nothing.
const threadJson = sql`case when m.reply_count > 0 then (
    select row_to_json(z) from (select ${iso(sql`max(t.last_at)`)} as "lastReplyAt",
      array_to_json(array_agg(t.replier order by t.last_at desc) filter (where t.k <= 3)) as repliers
    from (select (select x from (select rp.id, rp.display_name as "displayName", rp.avatar_url as "avatarUrl") x) as replier,
        max(r.created_at) as last_at, row_number() over (order by max(r.created_at) desc) as k
      from messages r join profiles rp on rp.id = r.sender_id
      where r.thread_root_id = m.id and r.deleted_at is null
      group by rp.id, rp.display_name, rp.avatar_url) t
    having count(*) > 0) z) end`
// The quoted row as toQuoted needs it: its excerpt is cut in JS, in UTF-16 units and with JS's trim.
const quotedJson = sql`case when m.reply_to_id is not null then (
    select json_build_object('id', q.id, 'seq', q.seq, 'senderName', qp.display_name, 'content', q.content, 'deleted', q.deleted_at is not null)
    from messages q join profiles qp on qp.id = q.sender_id where q.id = m.reply_to_id) end`
const reactionsJson = sql`case when exists (select 1 from reactions where message_id = m.id) then (
    select array_to_json(array_agg((select x from (select e.emoji, e.n as count, e.users as "userIds") x) order by e.first_at))
    from (select emoji, count(*) as n, array_agg(user_id order by created_at) as users, min(created_at) as first_at
      from reactions where message_id = m.id group by emoji) e) end`
// toAttachment's object; width and height only when set. Its keys in the order clients have always
// had them (the page built it as jsonb: shorter keys first), thumbnailUrl null rather than left out.
const attachmentsJson = sql`case when m.deleted_at is null and exists (select 1 from attachments a where a.message_id = m.id) then (
    select ('[' || string_agg(left(json_strip_nulls(row_to_json(f))::text, -1) || ',"thumbnailUrl":'
      || case when a.thumbnail_key <> '' then to_json('/api/attachments/' || a.id || '/thumbnail')::text else 'null' end || '}', ',' order by a.created_at) || ']')::json
    from attachments a cross join lateral (select a.id, '/api/attachments/' || a.id as url, nullif(a.width, 0) as width, nullif(a.height, 0) as height,
      a.file_name as "fileName", a.mime_type as "mimeType", a.size_bytes as "sizeBytes") f
    where a.message_id = m.id) end`
const mentionsJson = sql`case when m.deleted_at is null and exists (select 1 from mentions mn where mn.message_id = m.id) then (
    select array_to_json(array_agg((select x from (select mn.user_id as "userId", mn.kind) x))) from mentions mn where mn.message_id = m.id) end`

// A message as toMessage writes it, in two pieces around `replyTo` (cut in JS, see quotedJson):
// `{…,"thread":…,"replyTo":` and `,"reactions":…}`. Written by concatenation: row_to_json of a
// row per message costs Postgres a subplan each, ~40 % more CPU for the whole statement. Ids and
// timestamps need no escaping; text goes through to_json (concat would write a boolean as t/f).
const jsonText = (column: string) => sql.raw(`coalesce(to_json(h.${column})::text, 'null')`)
const quotedOrNull = (column: string) => sql.raw(`coalesce('"' || h.${column} || '"', 'null')`)
const messageHead = sql`concat('{"id":"', h.id, '","conversationId":"', h.conversation_id, '","seq":', h.seq, ',"updatedSeq":', h.updated_seq,
    ',"clientId":"', h.client_id, '","senderId":"', h.sender_id, '","sender":{"id":"', h.sender_id, '","displayName":', ${jsonText('display_name')},
    ',"avatarUrl":', ${jsonText('avatar_url')}, '},"type":', ${jsonText('type')}, ',"content":', ${jsonText('content')}, ',"contentHtml":', ${jsonText('content_html')},
    ',"replyToId":', ${quotedOrNull('reply_to_id')}, ',"threadRootId":', ${quotedOrNull('thread_root_id')}, ',"alsoInConversation":', case when h.also_in_conversation then 'true' else 'false' end,
    ',"replyCount":', h.reply_count, ',"thread":', coalesce(h.thread::text, 'null'), ',"replyTo":')`
const messageTail = sql`concat(',"reactions":', coalesce(h.reactions::text, '[]'), ',"attachments":', coalesce(h.attachments::text, '[]'),
    ',"mentions":', coalesce(h.mentions::text, '[]'), ',"pinnedAt":', ${quotedOrNull('pinned_at')}, ',"editedAt":', ${quotedOrNull('edited_at')},
    ',"deletedAt":', ${quotedOrNull('deleted_at')}, ',"createdAt":', ${quotedOrNull('created_at')}, '}')`

type Direction = 'before' | 'after'

/**
 * The statement for one direction. `gated`: the caller's participation is checked in the same
 * statement (reads on the primary); a replica's page is read ungated, after the gate ran on the
 * primary. One row per message (`limit` + 1 at most: the last only says there are more), or one
 * row without a message for an empty page, or none without the conversation.
 */
function build(db: Db, direction: Direction, gated: boolean) {
  const seqBound = direction === 'before' ? sql`m.seq < ${cursor}::bigint` : sql`m.seq > ${cursor}::bigint`
  const order = direction === 'before' ? sql`m.seq desc` : sql`m.seq`
  const allowed = gated
    ? sql`exists (select 1 from conversation_participants gp where gp.conversation_id = c.id and gp.user_id = ${actorId}::uuid
        and ${notProjectBanned(sql`${actorId}::uuid`, sql`c.project_id`)})`
    : sql`true`
  const source = sql`(select g.allowed, m.k, m.id, m.conversation_id, m.seq, m.updated_seq, m.client_id, m.sender_id,
      s.display_name, s.avatar_url, m.type,
      case when m.deleted_at is null then m.content else '' end as content,
      case when m.deleted_at is null then m.content_html else '' end as content_html,
      m.reply_to_id, m.thread_root_id, m.also_in_conversation, m.reply_count,
      ${iso(sql`m.pinned_at`)} as pinned_at, ${iso(sql`m.edited_at`)} as edited_at, ${iso(sql`m.deleted_at`)} as deleted_at, ${iso(sql`m.created_at`)} as created_at,
      ${threadJson} as thread, ${quotedJson} as quoted, ${reactionsJson} as reactions, ${attachmentsJson} as attachments, ${mentionsJson} as mentions
    from (select c.id, ${allowed} as allowed from conversations c where c.id = ${conversationId}::uuid) g
    left join lateral (select m.*, row_number() over (order by ${order}) as k from messages m
      where g.allowed and m.conversation_id = g.id and (m.thread_root_id is null or m.also_in_conversation) and ${seqBound}
      order by ${order} limit ${limit}::int + 1) m on true
    left join profiles s on s.id = m.sender_id
    order by m.k) h`
  return db.select({
    allowed: sql<boolean>`h.allowed`,
    k: sql<number | null>`h.k`.mapWith(Number),
    head: sql<string | null>`case when h.id is not null then ${messageHead} end`,
    tail: sql<string | null>`case when h.id is not null then ${messageTail} end`,
    quoted: sql<(Omit<QuotedMessage, 'excerpt'> & { content: string }) | null>`h.quoted`
  }).from(source).prepare(`history_${direction}${gated ? '_gated' : ''}`)
}

type Statement = ReturnType<typeof build>
const statements = new WeakMap<Db, Map<string, Statement>>()

function statement(db: Db, direction: Direction, gated: boolean): Statement {
  let byKey = statements.get(db)
  if (!byKey) statements.set(db, byKey = new Map())
  const key = `${direction}:${gated}`
  let found = byKey.get(key)
  if (!found) byKey.set(key, found = build(db, direction, gated))
  return found
}

/**
 * A page of history as JSON text, `{ messages, hasMore }` exactly as JSON.stringify would write it:
 * the page is sent as it comes from its statement, without building its objects.
 */
export type HistoryPageJson = string & { readonly page?: { messages: Message[], hasMore: boolean } }

export interface HistoryPageInput {
  actorId: string
  conversationId: string
  direction: Direction
  cursor: number
  limit: number
  gated: boolean
}

/**
 * Up to `limit` messages of the conversation's timeline (thread replies only when also sent to it)
 * next to `cursor` in `direction`, oldest first; null without the conversation, or when `gated`
 * and the actor may not read it (not a participant, or a ban closes its project).
 */
export async function readHistoryPage(db: Db, input: HistoryPageInput): Promise<HistoryPageJson | null> {
  const rows = await statement(db, input.direction, input.gated).execute({ conversationId: input.conversationId, actorId: input.actorId, cursor: input.cursor, limit: input.limit })
  if (!rows[0]?.allowed) return null
  const messages: string[] = []
  let hasMore = false
  for (const r of rows) {
    if (r.head === null || r.tail === null) continue
    if (r.k! > input.limit) {
      hasMore = true
      continue
    }
    const q = r.quoted
    const replyTo = q ? JSON.stringify(toQuoted({ id: q.id, seq: q.seq, content: q.content, deletedAt: q.deleted ? new Date(0) : null }, q.senderName)) : 'null'
    messages.push(r.head + replyTo + r.tail)
  }
  // Rows come nearest the cursor first; a page reads oldest first.
  if (input.direction === 'before') messages.reverse()
  return `{"messages":[${messages.join(',')}],"hasMore":${hasMore}}` as HistoryPageJson
}
