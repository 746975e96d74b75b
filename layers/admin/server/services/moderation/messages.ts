import type { Message } from '#shared/types'
import {
  AppError, assertAdmin, loadMessage, publishToConversation, recordAudit, restoreInTx, softDeleteInTx, useDb, type Actor, type Tx
} from '~~/server/admin-surface'
import type { AfterCommit } from './sanctions'

/** An admin delete inside `tx` (the member path's soft delete), audited there; publishes after commit. */
export async function adminDeleteInTx(tx: Tx, actor: Actor, messageId: string, extra: Record<string, unknown> = {}): Promise<AfterCommit> {
  const { payload, changed } = await softDeleteInTx(tx, actor.id, messageId)
  if (!changed) return async () => {}
  await recordAudit(tx, actor, 'message.delete', { type: 'message', id: messageId }, {
    conversationId: payload.conversationId, seq: payload.seq, before: { deleted: false }, after: { deleted: true, updatedSeq: payload.updatedSeq }, ...extra
  })
  return async () => publishToConversation(payload.conversationId, 'message:deleted', payload)
}

/** An admin restore inside `tx`, audited there; every client gets the text back as message:updated after commit. */
async function adminRestoreInTx(tx: Tx, actor: Actor, messageId: string, extra: Record<string, unknown> = {}): Promise<AfterCommit> {
  const restored = await restoreInTx(tx, messageId)
  if (!restored) throw new AppError('CONFLICT', 'the message is not deleted')
  await recordAudit(tx, actor, 'message.restore', { type: 'message', id: messageId }, {
    conversationId: restored.conversationId, before: { deleted: true }, after: { deleted: false }, ...extra
  })
  return async () => {
    const message = await loadMessage(await useDb(), messageId)
    if (message) publishToConversation(message.conversationId, 'message:updated', { message })
  }
}

async function current(messageId: string): Promise<Message> {
  const message = await loadMessage(await useDb(), messageId)
  if (!message) throw new AppError('NOT_FOUND', 'message not found')
  return message
}

/** Deletes any message, in any conversation, for every reader; deleting a deleted message changes nothing. */
export async function adminDeleteMessage(actor: Actor, messageId: string): Promise<Message> {
  assertAdmin(actor)
  const db = await useDb()
  const afterCommit = await db.transaction(tx => adminDeleteInTx(tx, actor, messageId))
  await afterCommit()
  return current(messageId)
}

/** Brings a deleted message back with its text, for every reader. */
export async function adminRestoreMessage(actor: Actor, messageId: string): Promise<Message> {
  assertAdmin(actor)
  const db = await useDb()
  const afterCommit = await db.transaction(tx => adminRestoreInTx(tx, actor, messageId))
  await afterCommit()
  return current(messageId)
}
