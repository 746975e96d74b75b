import { and, asc, eq, inArray } from 'drizzle-orm'
import type { Conversation, Participant } from '#shared/types'
import type { CreateConversationInput, DirectMessageInput } from '#shared/schemas'
import { useDb, type DbOrTx } from '../../db/client'
import { conversationParticipants, conversations, projectMembers } from '../../db/schema'
import { consumeConversationCreateBudget } from '../../infra/rate-limit'
import { publishToUser, setConversationMembership } from '../../infra/realtime'
import { AppError } from '../../utils/errors'
import { notProjectBanned, openToInProject, requireParticipant, requireProjectMember } from '../access'
import { assertTextAllowed } from '../moderation/automod/engine'
import { loadConversations, loadParticipants } from './view'
import { getActionBudgets } from '../moderation/policy-limits'
import type { Actor } from '../../domain/actor'

/** The caller's conversations in a project, busiest first, with unread counts. */
export async function listConversations(actor: Actor, projectId: string): Promise<Conversation[]> {
  const db = await useDb()
  await requireProjectMember(db, actor, projectId, 'member')
  return loadConversations(db, actor.id, and(eq(conversations.projectId, projectId), notProjectBanned(actor.id, conversations.projectId)))
}

/** One conversation as the caller sees it, with its participants. */
export async function getConversation(actor: Actor, conversationId: string): Promise<{ conversation: Conversation, participants: Participant[] }> {
  const db = await useDb()
  await requireParticipant(db, actor, conversationId)
  const [conversation] = await loadConversations(db, actor.id, eq(conversations.id, conversationId))
  return { conversation: conversation!, participants: await loadParticipants(db, conversationId, actor.id) }
}

/** Tells each listed user's sockets about a conversation, as that user sees it. */
export async function announceConversation(db: DbOrTx, conversationId: string, userIds: string[]) {
  for (const userId of userIds) {
    const [conversation] = await loadConversations(db, userId, eq(conversations.id, conversationId))
    if (conversation) publishToUser(userId, 'conversation:updated', { conversation })
  }
}

/**
 * Creates a project, group, support or announcement conversation. A project conversation takes in
 * every project member; otherwise the listed participants, who must belong to the project.
 */
export async function createConversation(actor: Actor, projectId: string, data: CreateConversationInput): Promise<Conversation> {
  const db = await useDb()
  // A banned member creates nothing here and a muted one starts no new rooms (MUTED).
  const me = await requireProjectMember(db, actor, projectId, 'write')
  // Everyone is put in a project-wide conversation and nobody can leave it: only the project's owners
  // and admins (and server admins) start one.
  if (data.type === 'project' && me.role === 'member' && actor.role !== 'admin') {
    throw new AppError('FORBIDDEN', 'only project owners and admins can create project-wide conversations')
  }
  // Everyone in the room reads its title: the content rules judge it (CONTENT_BLOCKED, nothing created).
  await assertTextAllowed(actor, data.title, { projectId })
  const members = await db.select({ userId: projectMembers.userId }).from(projectMembers).where(eq(projectMembers.projectId, projectId))
  const memberIds = new Set(members.map(m => m.userId))
  const strangers = data.participantIds.filter(id => !memberIds.has(id))
  if (strangers.length) {
    throw new AppError('VALIDATION', 'participantIds: every participant must be a member of the project', { fields: [{ field: 'participantIds', message: 'not project members', ids: strangers }] })
  }
  const participantIds = data.type === 'project' ? [...memberIds] : [...new Set([actor.id, ...data.participantIds])]
  // Each new room lands in every participant's sidebar.
  await consumeConversationCreateBudget(actor.id, getActionBudgets().conversationsCreated)
  const id = await db.transaction(async (tx) => {
    const [created] = await tx.insert(conversations).values({ projectId, type: data.type, title: data.title, createdBy: actor.id }).returning({ id: conversations.id })
    await tx.insert(conversationParticipants).values(participantIds.map(userId => ({
      conversationId: created!.id, userId, role: userId === actor.id ? 'owner' as const : 'member' as const
    })))
    return created!.id
  })
  // Banned members keep their rows (lifting the ban gives the room back) but hear nothing of it now.
  const reachable = await openToInProject(db, participantIds, projectId)
  setConversationMembership(reachable, id, true)
  const [conversation] = await loadConversations(db, actor.id, eq(conversations.id, id))
  // A new conversation looks the same to everyone but its owner, so one view serves every member.
  const memberView = { ...conversation!, myRole: 'member' as const }
  for (const userId of reachable) {
    if (userId !== actor.id) publishToUser(userId, 'conversation:updated', { conversation: memberView })
  }
  return conversation!
}

/**
 * Gets or creates the direct conversation between the caller and another member of a shared project:
 * the project it is started from (`projectId`, both must belong to it — never another one silently),
 * else the first project they share.
 */
export async function getOrCreateDirect(actor: Actor, { userId, projectId: from }: DirectMessageInput): Promise<Conversation> {
  const db = await useDb()
  // Only projects open to both: a ban from a project ends the right to start DMs through it.
  const mine = await db.select({ projectId: projectMembers.projectId }).from(projectMembers)
    .where(and(eq(projectMembers.userId, actor.id), notProjectBanned(actor.id, projectMembers.projectId), from ? eq(projectMembers.projectId, from) : undefined))
  const shared = mine.length
    ? await db.select({ projectId: projectMembers.projectId }).from(projectMembers)
        .where(and(eq(projectMembers.userId, userId), inArray(projectMembers.projectId, mine.map(m => m.projectId)),
          notProjectBanned(userId, projectMembers.projectId)))
        .orderBy(asc(projectMembers.joinedAt)).limit(1)
    : []
  if (!shared[0]) throw new AppError('FORBIDDEN', from ? 'you and this user are not both members of this project' : 'you share no project with this user')
  const projectId = shared[0].projectId
  const pair = [actor.id, userId].sort()
  const directKey = `${projectId}:${pair.join(':')}`
  const created = await db.transaction(async (tx) => {
    const [row] = await tx.insert(conversations).values({ projectId, type: 'direct', title: 'Direct message', directKey, createdBy: actor.id })
      .onConflictDoNothing().returning({ id: conversations.id })
    if (!row) return undefined
    await tx.insert(conversationParticipants).values([...new Set(pair)].map(u => ({ conversationId: row.id, userId: u, role: 'member' as const })))
    return row.id
  })
  const [existing] = await db.select({ id: conversations.id }).from(conversations).where(eq(conversations.directKey, directKey))
  const id = created ?? existing!.id
  if (created) {
    setConversationMembership(pair, id, true)
    await announceConversation(db, id, pair.filter(u => u !== actor.id))
  }
  const [conversation] = await loadConversations(db, actor.id, eq(conversations.id, id))
  return conversation!
}
