import { useDb, type Db } from '../../db/client'
import { useMetrics } from '../../infra/metrics'
import type { StoredMessage } from './insert'
import { insertPlainMessages, type PlainMessage } from './plain-insert'

/**
 * Group commit for plain messages (no thread, quote, files or mentions: one row and the sender's
 * read marker). Sends that arrive while a commit is in flight wait for the next one, which writes
 * them all in one statement: every conversation's counter advances once, every row goes in, and
 * each sender is acked only after that statement has committed. At low load a batch holds one
 * message and costs what a lone insert does; under load the database sees one commit per batch
 * instead of one per message.
 */

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
  let rows: StoredMessage[]
  try {
    rows = await insertPlainMessages(db, batch.map(w => w.values))
  } catch (error) {
    // Alone, the message's own error is its answer (a lone retry gets its duplicate from the caller).
    if (batch.length === 1) return batch[0]!.reject(error)
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
    else w.reject(noRow())
  }
}

/**
 * The statement left the message out: between the send's checks and its commit the sender left
 * the conversation, was banned or muted, or the conversation was deleted.
 */
export class MessageNotStoredError extends Error {
  constructor() {
    super('group commit stored no row for this message: the sender may no longer post there')
  }
}

const noRow = () => new MessageNotStoredError()

async function commitOneByOne(db: Db, batch: Waiting[]): Promise<void> {
  const byConversation = new Map<string, Waiting[]>()
  for (const w of batch) {
    const list = byConversation.get(w.values.conversationId)
    if (list) list.push(w)
    else byConversation.set(w.values.conversationId, [w])
  }
  await Promise.all([...byConversation.values()].map(async (list) => {
    for (const w of list) {
      await insertPlainMessages(db, [w.values]).then(([row]) => row ? w.resolve(row) : w.reject(noRow()), w.reject)
    }
  }))
}
