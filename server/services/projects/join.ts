import { and, eq } from 'drizzle-orm'
import type { Project } from '#shared/types'
import type { DbOrTx, Tx } from '../../db/client'
import { conversationParticipants, conversations, projectMembers, projects } from '../../db/schema'
import type { StoredMessage } from '../messages/insert'
import { publishToUser, setConversationMembership } from '../../infra/realtime'
import { projectTotalsFor } from '../messages/reads-counts'
import { openToInProject } from '../access'
import { announceConversation } from '../conversations/conversations'
import { insertSystemMessage, publishSystemMessages } from '../messages/system-messages'
import type { Actor } from '../../domain/actor'

/** What joining a project changed: its project-wide conversations and the system lines written in them. */
export interface ProjectJoin {
  conversationIds: string[]
  notices: StoredMessage[]
}

/**
 * Puts a new project member in every project-wide conversation, inside the caller's transaction,
 * with `line` said in each one they were not in yet (a direct add and an accepted invitation alike).
 */
export async function enterProjectWideConversations(tx: Tx, actor: Pick<Actor, 'id'>, projectId: string, userId: string, line: string): Promise<ProjectJoin> {
  const wide = await tx.select({ id: conversations.id }).from(conversations)
    .where(and(eq(conversations.projectId, projectId), eq(conversations.type, 'project')))
  const added = wide.length
    ? await tx.insert(conversationParticipants).values(wide.map(c => ({ conversationId: c.id, userId, role: 'member' as const })))
        .onConflictDoNothing().returning({ conversationId: conversationParticipants.conversationId })
    : []
  const notices: StoredMessage[] = []
  for (const { conversationId } of added) notices.push(await insertSystemMessage(tx, actor, conversationId, line))
  return { conversationIds: wide.map(c => c.id), notices }
}

/** The project as the member's switcher lists it (`GET /api/projects`), or undefined when they are not in it. */
export async function projectOfMember(db: DbOrTx, projectId: string, userId: string): Promise<Project | undefined> {
  const [row] = await db.select({ id: projects.id, name: projects.name, myRole: projectMembers.role })
    .from(projectMembers).innerJoin(projects, eq(projects.id, projectMembers.projectId))
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, userId)))
  if (!row) return undefined
  const [totals] = await projectTotalsFor(db, [userId], [projectId])
  return { ...row, unreadCount: totals?.unreadCount ?? 0, mentionCount: totals?.mentionCount ?? 0 }
}

/**
 * After commit: the newcomer's sockets join the rooms and every one of their tabs and devices learns
 * of the project (`project:updated`, whether or not it has a project-wide conversation) and its
 * rooms, and the system lines reach everyone. A member banned from the project gets nothing until
 * the ban is lifted.
 */
export async function announceJoin(db: DbOrTx, projectId: string, userId: string, joined: ProjectJoin): Promise<void> {
  const reachable = (await openToInProject(db, [userId], projectId)).length > 0
  if (reachable) {
    const project = await projectOfMember(db, projectId, userId)
    if (project) publishToUser(userId, 'project:updated', { project })
  }
  for (const conversationId of reachable ? joined.conversationIds : []) {
    setConversationMembership([userId], conversationId, true)
    await announceConversation(db, conversationId, [userId])
  }
  await publishSystemMessages(db, joined.notices)
}
