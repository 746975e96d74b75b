import { randomUUID } from 'node:crypto'
import type { DbOrTx, Tx } from '../../db/client'
import { publishToConversation } from '../../infra/realtime'
import { renderPlainText } from './markdown/render'
import { loadMessage } from './view'
import { insertMessage, type StoredMessage } from './insert'
import type { Actor } from '../../domain/actor'

/**
 * Records a system line ("Alice pinned a message") in the conversation's timeline, inside the
 * caller's transaction, so it takes its seq in order with the change it reports. `refersTo` is
 * the message it is about, so clients can link to it. The line is plain text, never markdown:
 * the names and titles in it are members' words in the server's voice.
 */
export async function insertSystemMessage(tx: Tx, actor: Pick<Actor, 'id'>, conversationId: string, text: string, refersTo?: string): Promise<StoredMessage> {
  return insertMessage(tx, {
    conversationId,
    clientId: randomUUID(),
    senderId: actor.id,
    type: 'system',
    content: text,
    contentHtml: renderPlainText(text),
    replyToId: refersTo ?? null
  })
}

/** Sends committed system lines to their conversations, in the order they were written. */
export async function publishSystemMessages(db: DbOrTx, rows: readonly Pick<StoredMessage, 'id' | 'conversationId'>[]): Promise<void> {
  for (const row of rows) {
    const message = await loadMessage(db, row.id)
    if (message) publishToConversation(row.conversationId, 'message:new', { message })
  }
}
