import { and, asc, eq, ilike, ne, or, sql } from 'drizzle-orm'
import type { SuggestQuery, SuggestResponse } from '#shared/search-schemas'
import { useDb } from '../../db/client'
import { projectOpenTo } from '../../db/sanctions'
import { conversationParticipants, conversations, profiles, projectMembers } from '../../db/schema'
import { toUserSummary } from '../people/user-view'
import type { Actor } from '../../domain/actor'

const SUGGESTIONS = 8

/** `%` and `_` typed by the user are letters, not wildcards. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, c => `\\${c}`)

/**
 * What the search box offers while typing: people who share a project with the caller (by name
 * or e-mail) and the caller's own conversations (by title), names starting with it first.
 */
export async function suggest(actor: Actor, { q, projectId }: SuggestQuery): Promise<SuggestResponse> {
  const db = await useDb()
  const contains = `%${escapeLike(q)}%`
  const starts = `${escapeLike(q)}%`
  // Only projects open to the caller: a ban hides a project's people and rooms here too.
  const mine = db.select({ projectId: projectMembers.projectId }).from(projectMembers)
    .where(and(eq(projectMembers.userId, actor.id), projectOpenTo(actor.id, projectMembers.projectId)))
  const people = await db.selectDistinct({ id: profiles.id, displayName: profiles.displayName, avatarUrl: profiles.avatarUrl, first: sql<number>`case when ${profiles.displayName} ilike ${starts} then 0 else 1 end` })
    .from(profiles)
    .innerJoin(projectMembers, eq(projectMembers.userId, profiles.id))
    .where(and(
      projectId ? eq(projectMembers.projectId, projectId) : undefined,
      sql`${projectMembers.projectId} in ${mine}`,
      ne(profiles.id, actor.id),
      or(ilike(profiles.displayName, contains), ilike(profiles.email, contains))
    ))
    .orderBy(sql`4`, asc(profiles.displayName))
    .limit(SUGGESTIONS)
  const rooms = await db.select({ id: conversations.id, projectId: conversations.projectId, title: conversations.title, type: conversations.type })
    .from(conversations)
    .innerJoin(conversationParticipants, and(eq(conversationParticipants.conversationId, conversations.id), eq(conversationParticipants.userId, actor.id)))
    .where(and(ne(conversations.type, 'direct'), projectId ? eq(conversations.projectId, projectId) : undefined, ilike(conversations.title, contains),
      projectOpenTo(actor.id, conversations.projectId)))
    .orderBy(sql`case when ${conversations.title} ilike ${starts} then 0 else 1 end`, asc(conversations.title))
    .limit(SUGGESTIONS)
  return { people: people.map(toUserSummary), conversations: rooms }
}
