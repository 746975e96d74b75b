import { eq, sql } from 'drizzle-orm'
import type { Mentionable } from '#shared/mentions'
import type { Mention } from '#shared/types'
import type { DbOrTx, Tx } from '../../db/client'
import { conversationParticipants, mentions, profiles } from '../../db/schema'
import { AppError } from '../../utils/errors'
import { canModerate, type Membership } from '../access'
import type { Actor } from '../../domain/actor'

/**
 * Above this many participants, only owners and admins may notify everyone with @here / @channel;
 * and only they may name more than this many people in one message, which notifies as many.
 */
export const BROADCAST_FREE_MAX_PARTICIPANTS = 20

/** The people who can be mentioned in a conversation; none needed when the text has no `@`. */
export async function mentionablesFor(db: DbOrTx, conversationId: string, content: string): Promise<Mentionable[]> {
  if (!content.includes('@')) return []
  return db.select({ id: profiles.id, displayName: profiles.displayName }).from(conversationParticipants)
    .innerJoin(profiles, eq(profiles.id, conversationParticipants.userId))
    .where(eq(conversationParticipants.conversationId, conversationId))
}

/**
 * @here and @channel in a large conversation are for its owners and admins, and so is naming more
 * people one by one than such a broadcast may reach: "@alice @bob …" ×21 notifies as many as @channel.
 */
export async function assertMayBroadcast(db: DbOrTx, actor: Actor, { conversation, participant }: Membership, found: readonly Mention[]) {
  if (canModerate(actor, participant)) return
  const named = new Set(found.filter(m => m.kind === 'user' && m.userId !== actor.id).map(m => m.userId)).size
  if (named > BROADCAST_FREE_MAX_PARTICIPANTS) {
    throw new AppError('FORBIDDEN', `only owners and admins can mention more than ${BROADCAST_FREE_MAX_PARTICIPANTS} people in one message`, {
      rule: 'broadcast-mention', maxParticipants: BROADCAST_FREE_MAX_PARTICIPANTS, mentioned: named, fields: [{ field: 'content', message: `more than ${BROADCAST_FREE_MAX_PARTICIPANTS} people mentioned` }]
    })
  }
  if (!found.some(m => m.kind !== 'user')) return
  const [{ n } = { n: 0 }] = await db.select({ n: sql<number>`count(*)::int` }).from(conversationParticipants)
    .where(eq(conversationParticipants.conversationId, conversation.id))
  if (n > BROADCAST_FREE_MAX_PARTICIPANTS) {
    throw new AppError('FORBIDDEN', `only owners and admins can notify everyone in a conversation of more than ${BROADCAST_FREE_MAX_PARTICIPANTS} people`, {
      rule: 'broadcast-mention', maxParticipants: BROADCAST_FREE_MAX_PARTICIPANTS, fields: [{ field: 'content', message: '@here / @channel not allowed here' }]
    })
  }
}

/** Records a message's mentions (replacing earlier ones on edit), so unread mention counts see them. */
export async function storeMentions(tx: Tx, messageId: string, found: readonly Mention[], replace = false) {
  if (replace) await tx.delete(mentions).where(eq(mentions.messageId, messageId))
  if (found.length) await tx.insert(mentions).values(found.map(m => ({ messageId, userId: m.userId, kind: m.kind })))
}
