import { and, desc, eq, isNotNull, isNull, sql } from 'drizzle-orm'
import type { Message } from '#shared/types'
import { useDb } from '../../db/client'
import { messages } from '../../db/schema'
import { publishToConversation } from '../../infra/realtime'
import { AppError } from '../../utils/errors'
import { canModerate, requireMessageAccess, requireParticipant, type Membership } from '../access'
import { loadMessage, loadMessages } from './view'
import { enforcePostingPolicy } from '../moderation/posting-policy'
import { takeNextSeq } from './sequence'
import { insertSystemMessage, publishSystemMessages } from './system-messages'
import type { Actor } from '../../domain/actor'

/** Most pins a conversation keeps; Slack stops at 100 as well. */
export const MAX_PINS = 100

/** Owners and admins pin; members too where the conversation allows it. */
function assertMayPin(actor: Actor, { conversation, participant }: Membership) {
  if (canModerate(actor, participant) || conversation.settings.membersCanPin === true) return
  throw new AppError('FORBIDDEN', 'only the conversation\'s owners and admins can pin here')
}

/**
 * Pins or unpins a message. The message takes a new updatedSeq (so sync brings the change) and a
 * system message says who did it; doing it again changes nothing.
 */
export async function setPinned(actor: Actor, messageId: string, pinned: boolean): Promise<Message> {
  const db = await useDb()
  const { message: current, ...membership } = await requireMessageAccess(db, actor, messageId)
  if (current.deletedAt) throw new AppError('NOT_FOUND', 'message was deleted')
  if (current.type === 'system') throw new AppError('VALIDATION', 'system messages cannot be pinned', { fields: [{ field: 'messageId', message: 'a system message' }] })
  assertMayPin(actor, membership)
  await enforcePostingPolicy(db, actor, { action: 'react', membership })
  const notice = await db.transaction(async (tx) => {
    const [locked] = await tx.select({ pinnedAt: messages.pinnedAt, deletedAt: messages.deletedAt }).from(messages).where(eq(messages.id, messageId)).for('update')
    if (!locked || locked.deletedAt) throw new AppError('NOT_FOUND', 'message was deleted')
    if ((locked.pinnedAt !== null) === pinned) return null
    if (pinned) {
      const [{ pins } = { pins: 0 }] = await tx.select({ pins: sql<number>`count(*)::int` }).from(messages)
        .where(and(eq(messages.conversationId, current.conversationId), isNotNull(messages.pinnedAt), isNull(messages.deletedAt)))
      if (pins >= MAX_PINS) throw new AppError('VALIDATION', `a conversation keeps at most ${MAX_PINS} pins; unpin one first`, { fields: [{ field: 'messageId', message: 'too many pins' }] })
    }
    const updatedSeq = await takeNextSeq(tx, current.conversationId)
    await tx.update(messages).set(pinned ? { pinnedAt: sql`now()`, pinnedBy: actor.id, updatedSeq } : { pinnedAt: null, pinnedBy: null, updatedSeq })
      .where(eq(messages.id, messageId))
    return insertSystemMessage(tx, actor, current.conversationId, `${actor.displayName} ${pinned ? 'pinned' : 'unpinned'} a message`, messageId)
  })
  const message = (await loadMessage(db, messageId))!
  if (notice) {
    publishToConversation(message.conversationId, 'message:updated', { message })
    await publishSystemMessages(db, [notice])
  }
  return message
}

/** A conversation's pinned messages, newest pin first. */
export async function listPins(actor: Actor, conversationId: string): Promise<Message[]> {
  const db = await useDb()
  await requireParticipant(db, actor, conversationId)
  return loadMessages(db, and(eq(messages.conversationId, conversationId), isNotNull(messages.pinnedAt), isNull(messages.deletedAt)),
    [desc(messages.pinnedAt)], MAX_PINS)
}
