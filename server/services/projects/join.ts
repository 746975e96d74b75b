import { and, eq } from 'drizzle-orm'
import type { DbOrTx, Tx } from '../../db/client'
import { conversationParticipants, conversations } from '../../db/schema'
import type { StoredMessage } from '../messages/insert'
import { setConversationMembership } from '../../infra/realtime'
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

/**
 * After commit: the newcomer's sockets join the rooms and their sidebar learns of them, and the
 * system lines reach everyone. A member banned from the project gets nothing until the ban is lifted.
 */
export async function announceJoin(db: DbOrTx, projectId: string, userId: string, joined: ProjectJoin): Promise<void> {
  const reachable = await openToInProject(db, [userId], projectId)
  for (const conversationId of reachable.length ? joined.conversationIds : []) {
    setConversationMembership([userId], conversationId, true)
    await announceConversation(db, conversationId, [userId])
  }
  await publishSystemMessages(db, joined.notices)
}
