import { randomUUID } from 'node:crypto'
import type { DbOrTx, Tx } from '../db/client'
import { messages, type MessageRow } from '../db/schema'
import { publishToConversation } from '../infra/realtime'
import { renderPlainText } from './markdown'
import { loadMessage } from './message-view'
import { takeNextSeq } from './sequence'
import type { Actor } from './users'

/**
 * Records a system line ("Alice pinned a message") in the conversation's timeline, inside the
 * caller's transaction, so it takes its seq in order with the change it reports. `refersTo` is
 * the message it is about, so clients can link to it. The line is plain text, never markdown:
 * the names and titles in it are members' words in the server's voice.
 */
export async function insertSystemMessage(tx: Tx, actor: Pick<Actor, 'id'>, conversationId: string, text: string, refersTo?: string): Promise<MessageRow> {
  const seq = await takeNextSeq(tx, conversationId, { newMessage: true })
  const [row] = await tx.insert(messages).values({
    conversationId,
    seq,
    updatedSeq: seq,
    clientId: randomUUID(),
    senderId: actor.id,
    type: 'system',
    content: text,
    contentHtml: renderPlainText(text),
    replyToId: refersTo ?? null
  }).returning()
  return row!
}

/** Sends committed system lines to their conversations, in the order they were written. */
export async function publishSystemMessages(db: DbOrTx, rows: readonly MessageRow[]): Promise<void> {
  for (const row of rows) {
    const message = await loadMessage(db, row.id)
    if (message) publishToConversation(row.conversationId, 'message:new', { message })
  }
}
