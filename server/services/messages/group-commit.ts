import { sql, type SQL } from 'drizzle-orm'
import { useDb, type Db } from '../../db/client'
import { messages } from '../../db/schema'
import { useMetrics } from '../../infra/metrics'
import { insertMessage, storedColumns, type StoredMessage } from './insert'

/**
 * Group commit for plain messages (no thread, quote, files or mentions: one row and the sender's
 * read marker). Sends that arrive while a commit is in flight wait for the next one, which writes
 * them all in one statement: every conversation's counter advances once, every row goes in, and
 * each sender is acked only after that statement has committed. At low load a batch holds one
 * message and costs what a lone insert does; under load the database sees one commit per batch
 * instead of one per message.
 */

/** What a plain message is made of; its seq and updatedSeq come from the counter. */
export interface PlainMessage {
  conversationId: string
  senderId: string
  clientId: string
  content: string
  contentHtml: string
}

interface Waiting {
  values: PlainMessage
  resolve: (row: StoredMessage) => void
  reject: (error: unknown) => void
}

const MAX_BATCH = Number(process.env.GROUP_COMMIT_MAX_BATCH ?? 128)
/** Statements in flight at once: a second one fills while the first commits, so the pool stays busy. */
const MAX_IN_FLIGHT = Number(process.env.GROUP_COMMIT_IN_FLIGHT ?? 2)

const queue: Waiting[] = []
let inFlight = 0
let scheduled = false

/** Persists a plain message with the next group commit; resolves after it committed. */
export function commitPlainMessage(values: PlainMessage): Promise<StoredMessage> {
  return new Promise((resolve, reject) => {
    queue.push({ values, resolve, reject })
    useMetrics().groupCommitQueue.set(queue.length)
    schedule()
  })
}

function schedule() {
  if (scheduled || inFlight >= MAX_IN_FLIGHT || queue.length === 0) return
  scheduled = true
  // The sends read from the sockets in this turn of the event loop join the batch.
  setImmediate(flush)
}

function flush() {
  scheduled = false
  while (inFlight < MAX_IN_FLIGHT && queue.length > 0) {
    const batch = queue.splice(0, MAX_BATCH)
    inFlight++
    useMetrics().groupCommitQueue.set(queue.length)
    void commit(batch).finally(() => {
      inFlight--
      schedule()
    })
  }
}

async function commit(batch: Waiting[]): Promise<void> {
  let db: Db
  try {
    db = await useDb()
  } catch (error) {
    for (const w of batch) w.reject(error)
    return
  }
  useMetrics().groupCommitBatch.observe(batch.length)
  if (batch.length === 1) {
    const [only] = batch as [Waiting]
    await insertMessage(db, { ...only.values, type: 'text' }, { markRead: true }).then(only.resolve, only.reject)
    return
  }
  let rows: StoredMessage[]
  try {
    rows = await insertBatch(db, batch.map(w => w.values))
  } catch {
    // One row the statement refused (a retried clientId racing its original, a conversation deleted
    // meanwhile, a deadlock with another instance's batch) rolled back the others: each goes alone,
    // in its conversation's order, and gets its own answer.
    await commitOneByOne(db, batch)
    return
  }
  const bySender = new Map(rows.map(r => [`${r.senderId}/${r.clientId}`, r]))
  for (const w of batch) {
    const row = bySender.get(`${w.values.senderId}/${w.values.clientId}`)
    if (row) w.resolve(row)
    else w.reject(new Error('group commit returned no row for a message it inserted'))
  }
}

async function commitOneByOne(db: Db, batch: Waiting[]): Promise<void> {
  const byConversation = new Map<string, Waiting[]>()
  for (const w of batch) {
    const list = byConversation.get(w.values.conversationId)
    if (list) list.push(w)
    else byConversation.set(w.values.conversationId, [w])
  }
  await Promise.all([...byConversation.values()].map(async (list) => {
    for (const w of list) {
      await insertMessage(db, { ...w.values, type: 'text' }, { markRead: true }).then(w.resolve, w.reject)
    }
  }))
}

/**
 * One statement for the whole batch: advance each conversation's counter by its number of messages,
 * insert every row with its seq (in arrival order within its conversation), and move each sender's
 * read marker past their last one. All or nothing.
 */
async function insertBatch(db: Db, values: PlainMessage[]): Promise<StoredMessage[]> {
  const perConversation = new Map<string, number>()
  const position = values.map((v) => {
    const k = (perConversation.get(v.conversationId) ?? 0) + 1
    perConversation.set(v.conversationId, k)
    return k
  })
  /** How far below the counter's new value a row's seq is: 0 for the conversation's last row of the batch. */
  const back = values.map((v, i) => perConversation.get(v.conversationId)! - position[i]!)

  const taken = sql.join([...perConversation].map(([id, n]) => sql`(${id}::uuid, ${n}::int)`), sql`, `)
  const counter = db.$with('counter', { id: sql<string>`id`, lastSeq: sql<number>`last_seq` }).as(sql`update conversations c
    set last_seq = c.last_seq + b.n, last_message_at = now()
    from (values ${taken}) as b(id, n) where c.id = b.id returning c.id, c.last_seq`)

  const readers = new Map<string, { conversationId: string, userId: string, back: number }>()
  values.forEach((v, i) => {
    const key = `${v.conversationId}/${v.senderId}`
    const prev = readers.get(key)
    if (!prev || back[i]! < prev.back) readers.set(key, { conversationId: v.conversationId, userId: v.senderId, back: back[i]! })
  })
  const readerRows = sql.join([...readers.values()].map(r => sql`(${r.conversationId}::uuid, ${r.userId}::uuid, ${r.back}::int)`), sql`, `)
  const marked = db.$with('marked', {}).as(sql`update conversation_participants cp
    set last_read_seq = greatest(cp.last_read_seq, k.last_seq - r.back)
    from (values ${readerRows}) as r(conversation_id, user_id, back) join ${counter} k on k.id = r.conversation_id
    where cp.conversation_id = r.conversation_id and cp.user_id = r.user_id`)

  const seqOf = (v: PlainMessage, i: number): SQL<number> =>
    sql<number>`((select last_seq from ${counter} where id = ${v.conversationId}::uuid) - ${back[i]!}::int)`
  return db.with(counter, marked).insert(messages).values(values.map((v, i) => ({
    ...v,
    type: 'text' as const,
    seq: seqOf(v, i),
    updatedSeq: seqOf(v, i)
  }))).returning(storedColumns)
}
