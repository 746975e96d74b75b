import { and, eq, inArray, sql } from 'drizzle-orm'
import type { PresenceEntry, PresenceQuery } from '#shared/presence-schemas'
import { useDb } from '../../db/client'
import { projectOpenTo } from '../../db/sanctions'
import { conversationParticipants, projectMembers } from '../../db/schema'
import type { Actor } from '../../domain/actor'
import { lastSeenOf } from './last-seen'
import { getPresence } from './presence'

/** Those of the users the caller may see the presence of: themselves and anyone sharing a project (open to the caller) or a conversation. */
async function visibleTo(actor: Actor, userIds: readonly string[]): Promise<string[]> {
  const db = await useDb()
  const myProjects = db.select({ id: projectMembers.projectId }).from(projectMembers)
    .where(and(eq(projectMembers.userId, actor.id), projectOpenTo(actor.id, projectMembers.projectId)))
  const myConversations = db.select({ id: conversationParticipants.conversationId }).from(conversationParticipants)
    .where(eq(conversationParticipants.userId, actor.id))
  const [inProjects, inConversations] = await Promise.all([
    db.selectDistinct({ id: projectMembers.userId }).from(projectMembers)
      .where(and(inArray(projectMembers.userId, [...userIds]), sql`${projectMembers.projectId} in ${myProjects}`)),
    db.selectDistinct({ id: conversationParticipants.userId }).from(conversationParticipants)
      .where(and(inArray(conversationParticipants.userId, [...userIds]), sql`${conversationParticipants.conversationId} in ${myConversations}`))
  ])
  const visible = new Set([...inProjects, ...inConversations].map(r => r.id))
  return userIds.filter(id => id === actor.id || visible.has(id))
}

/**
 * `GET /api/presence`: status and last seen of the users the caller may see, in the order asked;
 * the others are left out, so an answer says nothing about strangers, not even that they exist.
 * A connected user was last seen now.
 */
export async function listPresence(actor: Actor, { userIds }: PresenceQuery): Promise<PresenceEntry[]> {
  const ids = await visibleTo(actor, userIds)
  const [statuses, lastSeen] = await Promise.all([getPresence(ids), lastSeenOf(ids)])
  const now = new Date().toISOString()
  return ids.map((userId) => {
    const status = statuses[userId] ?? 'offline'
    return { userId, status, lastSeenAt: status === 'offline' ? lastSeen.get(userId)?.toISOString() ?? null : now }
  })
}
