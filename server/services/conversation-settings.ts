import { eq } from 'drizzle-orm'
import type { UpdateConversationInput } from '#shared/conversation-schemas'
import type { Conversation } from '#shared/types'
import { useDb } from '../db/client'
import { conversationParticipants, conversations } from '../db/schema'
import { AppError } from '../utils/errors'
import { canModerate, requireParticipant } from './access'
import { announceConversation } from './conversations'
import { loadConversations } from './conversation-view'
import { insertSystemMessage, publishSystemMessages } from './system-messages'
import type { Actor } from './users'

/**
 * Renames a conversation or changes its member settings (owners, admins, global admins). Each
 * change is said in the timeline by a system message, and every participant's sidebar updates.
 */
export async function updateConversation(actor: Actor, conversationId: string, changes: UpdateConversationInput): Promise<Conversation> {
  const db = await useDb()
  const { conversation, participant } = await requireParticipant(db, actor, conversationId)
  if (!canModerate(actor, participant)) throw new AppError('FORBIDDEN', 'only the conversation\'s owners and admins can change it')
  if (conversation.type === 'direct') throw new AppError('VALIDATION', 'direct messages have no title or settings to change', { fields: [{ field: 'conversationId', message: 'a direct conversation' }] })
  const notices = await db.transaction(async (tx) => {
    const lines: string[] = []
    const title = changes.title !== undefined && changes.title !== conversation.title ? changes.title : undefined
    const pins = changes.settings?.membersCanPin
    const pinsChanged = pins !== undefined && pins !== (conversation.settings.membersCanPin === true)
    if (title === undefined && !pinsChanged) return []
    await tx.update(conversations).set({
      ...(title !== undefined ? { title } : {}),
      ...(pinsChanged ? { settings: { ...conversation.settings, membersCanPin: pins } } : {})
    }).where(eq(conversations.id, conversationId))
    if (title !== undefined) lines.push(`${actor.displayName} renamed the conversation to “${title}”`)
    if (pinsChanged) lines.push(pins ? `${actor.displayName} let members pin messages` : `${actor.displayName} let only owners and admins pin messages`)
    const rows = []
    for (const line of lines) rows.push(await insertSystemMessage(tx, actor, conversationId, line))
    return rows
  })
  await publishSystemMessages(db, notices)
  if (notices.length) {
    const members = await db.select({ userId: conversationParticipants.userId }).from(conversationParticipants).where(eq(conversationParticipants.conversationId, conversationId))
    await announceConversation(db, conversationId, members.map(m => m.userId))
  }
  const [view] = await loadConversations(db, actor.id, eq(conversations.id, conversationId))
  return view!
}
