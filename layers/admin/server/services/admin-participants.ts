import { and, eq } from 'drizzle-orm'
import type { Participant } from '#shared/types'
import { addParticipantSchema, changeParticipantRoleSchema } from '#shared/schemas'
import { useDb } from '~~/server/db/client'
import { conversationParticipants, conversations, profiles, projectMembers } from '~~/server/db/schema'
import { publishToUser, setConversationMembership } from '~~/server/infra/realtime'
import { AppError, parseInput } from '~~/server/utils/errors'
import { assertAdmin } from '~~/server/services/access'
import { loadParticipants } from '~~/server/services/conversation-view'
import { announceConversation } from '~~/server/services/conversations'
import { insertSystemMessage, publishSystemMessages } from '~~/server/services/system-messages'
import type { Actor } from '~~/server/services/users'
import { recordAudit } from './audit'

async function requireConversation(conversationId: string) {
  const db = await useDb()
  const [conversation] = await db.select().from(conversations).where(eq(conversations.id, conversationId))
  if (!conversation) throw new AppError('NOT_FOUND', 'conversation not found')
  return { db, conversation }
}

/** Every participant of a conversation (admin view). */
export async function adminListParticipants(actor: Actor, conversationId: string): Promise<Participant[]> {
  assertAdmin(actor)
  const { db } = await requireConversation(conversationId)
  return loadParticipants(db, conversationId)
}

/** Adds a user to a conversation (and to its project when needed); their open sockets join at once. */
export async function adminAddParticipant(actor: Actor, conversationId: string, input: unknown): Promise<Participant[]> {
  assertAdmin(actor)
  const { userId, role } = parseInput(addParticipantSchema, input)
  const { db, conversation } = await requireConversation(conversationId)
  if (conversation.type === 'direct') throw new AppError('CONFLICT', 'direct messages keep their two participants')
  const [user] = await db.select({ id: profiles.id, displayName: profiles.displayName }).from(profiles).where(eq(profiles.id, userId))
  if (!user) throw new AppError('NOT_FOUND', 'user not found', { fields: [{ field: 'userId', message: 'not found' }] })
  const notice = await db.transaction(async (tx) => {
    await tx.insert(projectMembers).values({ projectId: conversation.projectId, userId, role: 'member' }).onConflictDoNothing()
    const [existing] = await tx.select({ role: conversationParticipants.role }).from(conversationParticipants)
      .where(and(eq(conversationParticipants.conversationId, conversationId), eq(conversationParticipants.userId, userId)))
    await tx.insert(conversationParticipants).values({ conversationId, userId, role })
      .onConflictDoUpdate({ target: [conversationParticipants.conversationId, conversationParticipants.userId], set: { role } })
    // Adding someone who is already in only changes their role: record it as such.
    await recordAudit(tx, actor, existing ? 'participant.role' : 'participant.add', { type: 'conversation', id: conversationId }, { userId, role })
    return existing ? null : insertSystemMessage(tx, actor, conversationId, `${actor.displayName} added ${user.displayName}`)
  })
  setConversationMembership([userId], conversationId, true)
  await announceConversation(db, conversationId, [userId])
  if (notice) await publishSystemMessages(db, [notice])
  return loadParticipants(db, conversationId)
}

/** Changes a participant's role in a conversation. */
export async function adminChangeParticipantRole(actor: Actor, conversationId: string, userId: string, input: unknown): Promise<Participant[]> {
  assertAdmin(actor)
  const { role } = parseInput(changeParticipantRoleSchema, input)
  const { db } = await requireConversation(conversationId)
  await db.transaction(async (tx) => {
    const updated = await tx.update(conversationParticipants).set({ role })
      .where(and(eq(conversationParticipants.conversationId, conversationId), eq(conversationParticipants.userId, userId)))
      .returning({ userId: conversationParticipants.userId })
    if (!updated.length) throw new AppError('NOT_FOUND', 'this user is not a participant')
    await recordAudit(tx, actor, 'participant.role', { type: 'conversation', id: conversationId }, { userId, role })
  })
  await announceConversation(db, conversationId, [userId])
  return loadParticipants(db, conversationId)
}

/** Removes a participant; their sockets leave the room at once, on every instance. */
export async function adminRemoveParticipant(actor: Actor, conversationId: string, userId: string): Promise<Participant[]> {
  assertAdmin(actor)
  const { db, conversation } = await requireConversation(conversationId)
  if (conversation.type === 'direct') throw new AppError('CONFLICT', 'direct messages keep their two participants')
  const notice = await db.transaction(async (tx) => {
    const removed = await tx.delete(conversationParticipants)
      .where(and(eq(conversationParticipants.conversationId, conversationId), eq(conversationParticipants.userId, userId)))
      .returning({ userId: conversationParticipants.userId })
    if (!removed.length) throw new AppError('NOT_FOUND', 'this user is not a participant')
    await recordAudit(tx, actor, 'participant.remove', { type: 'conversation', id: conversationId }, { userId })
    const [user] = await tx.select({ displayName: profiles.displayName }).from(profiles).where(eq(profiles.id, userId))
    return insertSystemMessage(tx, actor, conversationId, `${actor.displayName} removed ${user?.displayName ?? 'a member'}`)
  })
  setConversationMembership([userId], conversationId, false)
  publishToUser(userId, 'conversation:removed', { conversationId })
  await publishSystemMessages(db, [notice])
  return loadParticipants(db, conversationId)
}
