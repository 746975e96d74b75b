import { getTableColumns, is, sql, SQL } from 'drizzle-orm'
import type { Db } from '../../db/client'
import { messages } from '../../db/schema'
import { silencingSanctions } from '../../db/sanctions'
import { storedColumns, type StoredMessage } from './insert'

/** What a plain message is made of; its seq and updatedSeq come from the counter. */
export interface PlainMessage {
  conversationId: string
  senderId: string
  clientId: string
  content: string
  contentHtml: string
}

/** The batch as one JSON array of rows (see insertPlainMessages). */
const batchRows = sql.placeholder('batch')

/** The columns the statement writes itself; every other one takes its schema default. */
const written: Partial<Record<keyof typeof messages.$inferInsert, SQL>> = {
  conversationId: sql`conversation_id`,
  senderId: sql`sender_id`,
  clientId: sql`client_id`,
  content: sql`content`,
  contentHtml: sql`content_html`,
  type: sql`'text'`,
  seq: sql`seq`,
  updatedSeq: sql`seq`
}

/**
 * INSERT … SELECT names every insertable column in table order, so the select list follows the
 * schema: a column added later takes its declared default here too. Defaults the database cannot
 * be handed as SQL (a JS function) fail at start-up, not on a member's send.
 */
function selectList(): SQL {
  const list = Object.entries(getTableColumns(messages))
    // Generated columns (the search vectors) are the database's to write, as in drizzle's own insert.
    .filter(([, column]) => !column.generated || column.generated.type === 'byDefault')
    .map(([key, column]) => {
      const own = written[key as keyof typeof written]
      if (own) return own
      if (column.defaultFn || column.onUpdateFn) throw new Error(`messages.${key}: a JS default cannot be written by the plain-message statement`)
      if (column.default === undefined) return sql`null`
      if (is(column.default, SQL)) return column.default
      if (typeof column.default === 'boolean' || typeof column.default === 'number') return sql.raw(String(column.default))
      throw new Error(`messages.${key}: default ${JSON.stringify(column.default)} needs a case in the plain-message statement`)
    })
  return sql.join(list, sql`, `)
}

/**
 * One statement, prepared once per database handle, for any number of plain messages in any mix of
 * conversations (one JSON row per message, `ord` its place in arrival order): each conversation's counter
 * advances once by its number of messages, every row is inserted with its seq (arrival order within
 * its conversation), and each sender's read marker moves past their last one. All or nothing. Its
 * text never changes with the batch, so Postgres parses it once per connection and, from the sixth
 * execution on, runs its generic plan (pg_prepared_statements.generic_plans shows it).
 */
function prepare(db: Db) {
  // The sender's checks may have been answered from memory (send-gate-cache.ts): what must hold at
  // commit, whatever changed since, is checked here again. A row left out takes no seq and its
  // sender gets MessageNotStoredError.
  const mayPost = sql`exists (select 1 from conversation_participants p join conversations c on c.id = p.conversation_id
      where p.conversation_id = b.conversation_id and p.user_id = b.sender_id
      and not exists (select 1 from user_sanctions where ${silencingSanctions(sql`b.sender_id`, { projectId: sql`c.project_id`, conversationId: sql`b.conversation_id` })}))`
  // One JSON parameter, not an array per column: the planner sizes unnest() from the arrays it is
  // given, so each batch's own plan looked cheaper than the shared one and Postgres planned the
  // statement again on every execution (a quarter of its CPU for a one-message batch). A JSON
  // record set is sized the same whatever it holds, and the statement keeps its one generic plan.
  const batch = db.$with('batch', {}).as(sql`select * from json_to_recordset(${batchRows}::json)
    as b(conversation_id uuid, sender_id uuid, client_id uuid, content text, content_html text, ord int)
    where ${mayPost}`)
  const counter = db.$with('counter', {}).as(sql`update conversations c
    set last_seq = c.last_seq + t.n, last_message_at = now()
    from (select conversation_id, count(*)::int as n from ${batch} group by conversation_id) t
    where c.id = t.conversation_id
    returning c.id, c.last_seq, t.n`)
  const numbered = db.$with('numbered', {}).as(sql`select b.*, k.last_seq - k.n
      + row_number() over (partition by b.conversation_id order by b.ord) as seq
    from ${batch} b join ${counter} k on k.id = b.conversation_id`)
  const marked = db.$with('marked', {}).as(sql`update conversation_participants cp
    set last_read_seq = greatest(cp.last_read_seq, r.seq)
    from (select conversation_id, sender_id, max(seq) as seq from ${numbered} group by conversation_id, sender_id) r
    where cp.conversation_id = r.conversation_id and cp.user_id = r.sender_id`)
  return db.with(batch, counter, numbered, marked).insert(messages)
    .select(sql`select ${selectList()} from ${numbered} order by ord`)
    .returning(storedColumns)
    .prepare('plain_messages_insert')
}

const prepared = new WeakMap<Db, ReturnType<typeof prepare>>()

/** Inserts plain messages in one statement; rows come back in no particular order. */
export function insertPlainMessages(db: Db, values: readonly PlainMessage[]): Promise<StoredMessage[]> {
  let statement = prepared.get(db)
  if (!statement) prepared.set(db, statement = prepare(db))
  const rows = values.map((v, i) => ({
    conversation_id: v.conversationId,
    sender_id: v.senderId,
    client_id: v.clientId,
    content: v.content,
    content_html: v.contentHtml,
    ord: i + 1
  }))
  return statement.execute({ batch: JSON.stringify(rows) })
}
