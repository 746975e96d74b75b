import { getTableColumns, sql } from 'drizzle-orm'
import type { WithSubquery } from 'drizzle-orm/subquery'
import type { DbOrTx } from '../../db/client'
import { messages, type MessageRow } from '../../db/schema'
import { advanceSeq } from './sequence'

/** A new message as its writer describes it; the seq (and first updatedSeq) come from the counter. */
type NewMessage = Omit<typeof messages.$inferInsert, 'id' | 'seq' | 'updatedSeq'> & { conversationId: string, senderId: string }

/** A stored message as written: every column but the search vectors, which the database derives and no reader needs back. */
export type StoredMessage = Omit<MessageRow, 'search' | 'cjk'>

const { search: _search, cjk: _cjk, ...columns } = getTableColumns(messages)
/** The columns a write returns: all but the search vectors. */
export const storedColumns = columns

/**
 * The insert of one message: takes the conversation's next seq, inserts the row and, for a
 * member's own send, moves their read marker past it, all in one statement. Messages with a thread,
 * quote, files or mentions use it as one step of their transaction; system lines and the demo seed
 * use it alone. Plain messages go through the group commit's batch statement (plain-insert.ts).
 */
export async function insertMessage(db: DbOrTx, values: NewMessage, { markRead = false } = {}): Promise<StoredMessage> {
  const counter = db.$with('counter', { lastSeq: sql<number>`last_seq` }).as(advanceSeq(values.conversationId, { newMessage: true }))
  const seq = sql<number>`(select last_seq from ${counter})`
  const steps: WithSubquery[] = [counter]
  if (markRead) {
    steps.push(db.$with('marked', {}).as(sql`update conversation_participants set last_read_seq = greatest(last_read_seq, ${seq})
      where conversation_id = ${values.conversationId} and user_id = ${values.senderId}`))
  }
  const [row] = await db.with(...steps).insert(messages).values({ ...values, seq, updatedSeq: seq }).returning(storedColumns)
  return row!
}
