import { and, eq, inArray } from 'drizzle-orm'
import type { z } from 'zod'
import type { AdminAddParticipantsInput, AdminRemoveParticipantsInput } from '#admin-shared/admin-schemas'
import type { Participant } from '#shared/types'
import type { changeParticipantRoleSchema } from '#shared/schemas'
import {
  announceConversation, AppError, assertAdmin, conversationParticipants, conversations, insertSystemMessage,
  loadParticipants, profiles, projectMembers, publishSystemMessages, publishToUser, recordAudit,
  setConversationMembership, useDb, type Actor
} from '~~/server/admin-surface'

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

/** "Ann", "Ann and Bob", "Ann, Bob and Cy": how a system line lists people. */
function namesList(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
}

/**
 * Adds one user (`{ userId, role }`) or several (`{ userIds, role }`) to a conversation, and to its
 * project when needed; their open sockets join at once. All or nothing: an unknown user changes nothing.
 */
export async function adminAddParticipant(actor: Actor, conversationId: string, { userId, userIds, role }: AdminAddParticipantsInput): Promise<Participant[]> {
  assertAdmin(actor)
  const ids = userIds ?? [userId!]
  const { db, conversation } = await requireConversation(conversationId)
  if (conversation.type === 'direct') throw new AppError('CONFLICT', 'direct messages keep their two participants')
  const users = await db.select({ id: profiles.id, displayName: profiles.displayName }).from(profiles).where(inArray(profiles.id, ids))
  const missing = ids.filter(id => !users.some(u => u.id === id))
  if (missing.length) {
    const field = userIds ? 'userIds' : 'userId'
    throw new AppError('NOT_FOUND', missing.length === 1 ? 'user not found' : `${missing.length} users not found`, { fields: missing.map(id => ({ field, message: `${id} not found` })) })
  }
  const nameOf = new Map(users.map(u => [u.id, u.displayName]))
  const notice = await db.transaction(async (tx) => {
    await tx.insert(projectMembers).values(ids.map(id => ({ projectId: conversation.projectId, userId: id, role: 'member' as const }))).onConflictDoNothing()
    const existing = new Set((await tx.select({ userId: conversationParticipants.userId }).from(conversationParticipants)
      .where(and(eq(conversationParticipants.conversationId, conversationId), inArray(conversationParticipants.userId, ids)))).map(r => r.userId))
    await tx.insert(conversationParticipants).values(ids.map(id => ({ conversationId, userId: id, role })))
      .onConflictDoUpdate({ target: [conversationParticipants.conversationId, conversationParticipants.userId], set: { role } })
    // Adding someone who is already in only changes their role: record it as such. One entry per person keeps the log searchable by user.
    for (const id of ids) {
      await recordAudit(tx, actor, existing.has(id) ? 'participant.role' : 'participant.add', { type: 'conversation', id: conversationId }, { userId: id, role })
    }
    const added = ids.filter(id => !existing.has(id)).map(id => nameOf.get(id)!)
    return added.length ? insertSystemMessage(tx, actor, conversationId, `${actor.displayName} added ${namesList(added)}`) : null
  })
  setConversationMembership(ids, conversationId, true)
  await announceConversation(db, conversationId, ids)
  if (notice) await publishSystemMessages(db, [notice])
  return loadParticipants(db, conversationId)
}

/** Changes a participant's role in a conversation. */
export async function adminChangeParticipantRole(actor: Actor, conversationId: string, userId: string, { role }: z.output<typeof changeParticipantRoleSchema>): Promise<Participant[]> {
  assertAdmin(actor)
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

/**
 * Removes several participants at once (`{ userIds }`); ids that are not participants are skipped,
 * NOT_FOUND when none is. Their sockets leave the room at once, on every instance.
 */
export async function adminRemoveParticipants(actor: Actor, conversationId: string, { userIds }: AdminRemoveParticipantsInput): Promise<{ participants: Participant[], removed: string[] }> {
  assertAdmin(actor)
  const { db, conversation } = await requireConversation(conversationId)
  if (conversation.type === 'direct') throw new AppError('CONFLICT', 'direct messages keep their two participants')
  const { removed, notice } = await db.transaction(async (tx) => {
    const rows = await tx.delete(conversationParticipants)
      .where(and(eq(conversationParticipants.conversationId, conversationId), inArray(conversationParticipants.userId, userIds)))
      .returning({ userId: conversationParticipants.userId })
    if (!rows.length) throw new AppError('NOT_FOUND', 'none of these users is a participant')
    const removed = userIds.filter(id => rows.some(r => r.userId === id))
    for (const id of removed) await recordAudit(tx, actor, 'participant.remove', { type: 'conversation', id: conversationId }, { userId: id })
    const names = await tx.select({ id: profiles.id, displayName: profiles.displayName }).from(profiles).where(inArray(profiles.id, removed))
    const list = namesList(removed.map(id => names.find(n => n.id === id)?.displayName ?? 'a member'))
    return { removed, notice: await insertSystemMessage(tx, actor, conversationId, `${actor.displayName} removed ${list}`) }
  })
  setConversationMembership(removed, conversationId, false)
  for (const id of removed) publishToUser(id, 'conversation:removed', { conversationId })
  await publishSystemMessages(db, [notice])
  return { participants: await loadParticipants(db, conversationId), removed }
}
