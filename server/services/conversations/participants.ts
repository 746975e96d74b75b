import { and, eq, inArray } from 'drizzle-orm'
import type { AddParticipantsInput } from '#shared/invitation-schemas'
import type { Conversation, Participant } from '#shared/types'
import { useDb } from '../../db/client'
import { conversationParticipants, conversations, profiles, projectMembers } from '../../db/schema'
import { consumeParticipantAddBudget } from '../../infra/rate-limit'
import { setConversationMembership } from '../../infra/realtime'
import { AppError } from '../../utils/errors'
import { assertNotSilenced, canModerate, openToInProject, requireParticipant } from '../access'
import { loadConversations, loadParticipants } from './view'
import { announceConversation } from './conversations'
import { getPolicyLimits } from '../moderation/policy-limits'
import { insertSystemMessage, publishSystemMessages } from '../messages/system-messages'
import type { Actor } from '../../domain/actor'

/** "Ann", "Ann and Bob", "Ann, Bob and Cy": how a system line lists people. */
export function namesList(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
}

/**
 * A participant adds people of the conversation's project to a group, support or announcement
 * conversation (members only while the owners let them: `settings.membersCanAdd`). A muted or
 * banned actor adds nobody; someone outside the project, or banned from it, cannot be added (one
 * answer for both, so a ban stays private). The added are told live and a system line says who.
 */
export async function addParticipants(actor: Actor, conversationId: string, input: AddParticipantsInput): Promise<{ conversation: Conversation, participants: Participant[] }> {
  const db = await useDb()
  const { conversation, participant } = await requireParticipant(db, actor, conversationId)
  if (conversation.type === 'direct') throw new AppError('CONFLICT', 'a direct conversation keeps its two people: start a group instead')
  if (conversation.type === 'project') throw new AppError('CONFLICT', 'everyone in the project is in this conversation already')
  if (conversation.status !== 'active' && actor.role !== 'admin') throw new AppError('CONVERSATION_LOCKED', `this conversation is ${conversation.status}`)
  if (conversation.settings.membersCanAdd === false && !canModerate(actor, participant)) {
    throw new AppError('FORBIDDEN', 'only the conversation\'s owners and admins can add people')
  }
  await assertNotSilenced(db, actor, { projectId: conversation.projectId, conversationId })
  const members = await db.select({ id: profiles.id, displayName: profiles.displayName }).from(projectMembers)
    .innerJoin(profiles, eq(profiles.id, projectMembers.userId))
    .where(and(eq(projectMembers.projectId, conversation.projectId), inArray(projectMembers.userId, input.userIds)))
  const open = new Set(await openToInProject(db, members.map(m => m.id), conversation.projectId))
  const outsiders = input.userIds.filter(id => !open.has(id))
  if (outsiders.length) {
    throw new AppError('VALIDATION', 'userIds: everyone added must be a member of the project', { fields: [{ field: 'userIds', message: 'not project members', ids: outsiders }] })
  }
  const present = new Set((await db.select({ userId: conversationParticipants.userId }).from(conversationParticipants)
    .where(and(eq(conversationParticipants.conversationId, conversationId), inArray(conversationParticipants.userId, input.userIds)))).map(r => r.userId))
  const fresh = members.filter(m => !present.has(m.id))
  if (fresh.length) {
    await consumeParticipantAddBudget(actor.id, fresh.length, getPolicyLimits().participantAddsPerHour)
    const { added, notice } = await db.transaction(async (tx) => {
      const inserted = await tx.insert(conversationParticipants).values(fresh.map(m => ({ conversationId, userId: m.id, role: 'member' as const })))
        .onConflictDoNothing().returning({ userId: conversationParticipants.userId })
      const ids = new Set(inserted.map(r => r.userId))
      const names = fresh.filter(m => ids.has(m.id)).map(m => m.displayName)
      return { added: [...ids], notice: names.length ? await insertSystemMessage(tx, actor, conversationId, `${actor.displayName} added ${namesList(names)}`) : null }
    })
    setConversationMembership(added, conversationId, true)
    await announceConversation(db, conversationId, added)
    if (notice) await publishSystemMessages(db, [notice])
  }
  const [view] = await loadConversations(db, actor.id, eq(conversations.id, conversationId))
  return { conversation: view!, participants: await loadParticipants(db, conversationId, actor.id) }
}
