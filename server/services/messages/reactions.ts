import { and, count, eq, sql } from 'drizzle-orm'
import { canonicalEmoji } from '#shared/emoji'
import { MAX_DISTINCT_REACTIONS, type ReactionInput } from '#shared/reaction-schemas'
import type { Message } from '#shared/types'
import { useDb, type Tx } from '../../db/client'
import { messages, reactions } from '../../db/schema'
import { publishToConversation } from '../../infra/realtime'
import { AppError } from '../../utils/errors'
import { requireMessageAccess } from '../access'
import { useEmojiIndex } from './emoji'
import { loadMessage } from './view'
import { enforcePostingPolicy } from '../moderation/posting-policy'
import { takeNextSeq } from './sequence'
import type { Actor } from '../../domain/actor'

function readReaction({ messageId, emoji }: ReactionInput) {
  const canonical = canonicalEmoji(useEmojiIndex(), emoji)
  if (!canonical) throw new AppError('VALIDATION', 'emoji: not a known emoji', { fields: [{ field: 'emoji', message: 'not a known emoji' }] })
  return { messageId, emoji: canonical }
}

/**
 * Adds the actor's reaction. Idempotent: reacting again with the same emoji changes nothing and
 * takes no seq. A real change takes the conversation's next seq as the message's updatedSeq, so a
 * client that reconnects gets it through sync.
 */
export async function addReaction(actor: Actor, input: ReactionInput): Promise<Message> {
  const { messageId, emoji } = readReaction(input)
  return changeReaction(actor, messageId, async (tx) => {
    const [{ distinct } = { distinct: 0 }] = await tx.select({ distinct: count(sql`distinct ${reactions.emoji}`) }).from(reactions)
      .where(and(eq(reactions.messageId, messageId), sql`${reactions.emoji} <> ${emoji}`))
    if (distinct >= MAX_DISTINCT_REACTIONS) throw new AppError('VALIDATION', `a message can carry at most ${MAX_DISTINCT_REACTIONS} different emoji`, { fields: [{ field: 'emoji', message: 'too many different emoji on this message' }] })
    const inserted = await tx.insert(reactions).values({ messageId, userId: actor.id, emoji }).onConflictDoNothing().returning({ emoji: reactions.emoji })
    return inserted.length > 0
  })
}

/** Removes the actor's reaction; removing one that is not there changes nothing. */
export async function removeReaction(actor: Actor, input: ReactionInput): Promise<Message> {
  const { messageId, emoji } = readReaction(input)
  return changeReaction(actor, messageId, async (tx) => {
    const removed = await tx.delete(reactions)
      .where(and(eq(reactions.messageId, messageId), eq(reactions.userId, actor.id), eq(reactions.emoji, emoji)))
      .returning({ emoji: reactions.emoji })
    return removed.length > 0
  })
}

async function changeReaction(actor: Actor, messageId: string, change: (tx: Tx) => Promise<boolean>): Promise<Message> {
  const db = await useDb()
  const { message: current, ...membership } = await requireMessageAccess(db, actor, messageId)
  if (current.deletedAt) throw new AppError('NOT_FOUND', 'message was deleted')
  await enforcePostingPolicy(db, actor, { action: 'react', membership })
  const changed = await db.transaction(async (tx) => {
    // The message row first, as edit and delete take it: the same lock order everywhere.
    const [locked] = await tx.select({ deletedAt: messages.deletedAt }).from(messages).where(eq(messages.id, messageId)).for('update')
    if (!locked || locked.deletedAt) throw new AppError('NOT_FOUND', 'message was deleted')
    if (!await change(tx)) return false
    const updatedSeq = await takeNextSeq(tx, current.conversationId)
    await tx.update(messages).set({ updatedSeq }).where(eq(messages.id, messageId))
    return true
  })
  const message = (await loadMessage(db, messageId))!
  if (changed) publishToConversation(message.conversationId, 'message:updated', { message })
  return message
}
