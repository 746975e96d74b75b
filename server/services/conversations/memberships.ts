import { and, asc, eq, ne } from 'drizzle-orm'
import { useDb, type Tx } from '../../db/client'
import { conversationParticipants, conversations, projectMembers } from '../../db/schema'
import type { StoredMessage } from '../messages/insert'
import { publishToUser, setConversationMembership } from '../../infra/realtime'
import { AppError } from '../../utils/errors'
import { requireParticipant, requireProjectMember } from '../access'
import { insertSystemMessage, publishSystemMessages } from '../messages/system-messages'
import type { Actor } from '../../domain/actor'

/**
 * Takes the actor out of one conversation inside `tx`. A sole owner leaving hands ownership to
 * the participant who joined first, so a conversation never ends up without one.
 */
async function leaveInTx(tx: Tx, actor: Actor, conversationId: string, role: string, announce: boolean): Promise<StoredMessage | null> {
  await tx.delete(conversationParticipants)
    .where(and(eq(conversationParticipants.conversationId, conversationId), eq(conversationParticipants.userId, actor.id)))
  const rest = await tx.select({ userId: conversationParticipants.userId, role: conversationParticipants.role }).from(conversationParticipants)
    .where(eq(conversationParticipants.conversationId, conversationId)).orderBy(asc(conversationParticipants.joinedAt)).for('update')
  if (role === 'owner' && rest.length > 0 && !rest.some(p => p.role === 'owner')) {
    await tx.update(conversationParticipants).set({ role: 'owner' })
      .where(and(eq(conversationParticipants.conversationId, conversationId), eq(conversationParticipants.userId, rest[0]!.userId)))
  }
  return announce && rest.length > 0 ? insertSystemMessage(tx, actor, conversationId, `${actor.displayName} left the conversation`) : null
}

function dropFromView(actor: Actor, conversationIds: string[]) {
  for (const conversationId of conversationIds) {
    setConversationMembership([actor.id], conversationId, false)
    publishToUser(actor.id, 'conversation:removed', { conversationId })
  }
}

/**
 * Leaves a group, support or announcement conversation. Direct messages cannot be left, and a
 * project-wide conversation follows project membership (leave the project instead).
 */
export async function leaveConversation(actor: Actor, conversationId: string): Promise<void> {
  const db = await useDb()
  const { conversation, participant } = await requireParticipant(db, actor, conversationId)
  if (conversation.type === 'direct') throw new AppError('CONFLICT', 'a direct conversation cannot be left')
  if (conversation.type === 'project') throw new AppError('CONFLICT', 'everyone in the project is in this conversation: leave the project instead')
  const notice = await db.transaction(tx => leaveInTx(tx, actor, conversationId, participant.role, true))
  dropFromView(actor, [conversationId])
  if (notice) await publishSystemMessages(db, [notice])
}

/** Leaves a project and every conversation in it; a sole owner cannot leave while others remain. */
export async function leaveProject(actor: Actor, projectId: string): Promise<void> {
  const db = await useDb()
  const me = await requireProjectMember(db, actor, projectId, 'member')
  const { notices, left } = await db.transaction(async (tx) => {
    if (me.role === 'owner') {
      const others = await tx.select({ role: projectMembers.role }).from(projectMembers)
        .where(and(eq(projectMembers.projectId, projectId), ne(projectMembers.userId, actor.id))).for('update')
      if (others.length > 0 && !others.some(o => o.role === 'owner')) throw new AppError('CONFLICT', 'you are the project\'s only owner: make someone else an owner first')
    }
    const mine = await tx.select({ id: conversations.id, type: conversations.type, role: conversationParticipants.role })
      .from(conversationParticipants)
      .innerJoin(conversations, eq(conversations.id, conversationParticipants.conversationId))
      .where(and(eq(conversationParticipants.userId, actor.id), eq(conversations.projectId, projectId)))
    const rows: StoredMessage[] = []
    for (const c of mine) {
      const notice = await leaveInTx(tx, actor, c.id, c.role, c.type !== 'direct')
      if (notice) rows.push(notice)
    }
    await tx.delete(projectMembers).where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, actor.id)))
    return { notices: rows, left: mine.map(c => c.id) }
  })
  dropFromView(actor, left)
  await publishSystemMessages(db, notices)
}
