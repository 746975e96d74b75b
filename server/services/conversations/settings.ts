import { eq } from 'drizzle-orm'
import type { UpdateConversationInput } from '#shared/conversation-schemas'
import type { ConversationStatus } from '#shared/enums'
import type { Conversation, ConversationSettings } from '#shared/types'
import { useDb, type DbOrTx, type Tx } from '../../db/client'
import { conversationParticipants, conversations, type ConversationRow } from '../../db/schema'
import type { StoredMessage } from '../messages/insert'
import { consumeConversationChangeBudget } from '../../infra/rate-limit'
import { AppError } from '../../utils/errors'
import { assertNotSilenced, canModerate, requireParticipant } from '../access'
import { assertTextAllowed } from '../moderation/automod/engine'
import { announceConversation } from './conversations'
import { loadConversations } from './view'
import { getActionBudgets } from '../moderation/policy-limits'
import { insertSystemMessage, publishSystemMessages } from '../messages/system-messages'
import type { Actor } from '../../domain/actor'

/** Everything that can change about a conversation; members may only rename and set pin rights. */
export interface ConversationChanges {
  title?: string
  status?: ConversationStatus
  settings?: Partial<ConversationSettings>
}

/** The changed fields only, before and after, as plain JSON (what the audit log records). */
export interface ConversationDiff {
  before: Record<string, unknown>
  after: Record<string, unknown>
}

const STATUS_LINES: Record<ConversationStatus, (from: ConversationStatus) => string> = {
  locked: () => 'locked this conversation',
  archived: () => 'archived this conversation',
  active: from => from === 'archived' ? 'unarchived this conversation' : 'unlocked this conversation'
}

function slowModeLine(seconds: number): string {
  return seconds > 0 ? `turned on slow mode: one message every ${seconds} s` : 'turned off slow mode'
}

/**
 * Writes the changes that differ from `conversation` and one system line per change, inside the
 * caller's transaction (so an audit entry can share it). `who` starts each line: a name, or
 * "An admin" when a server admin acts from outside the conversation.
 */
export async function applyConversationChanges(
  tx: Tx, actor: Actor, conversation: ConversationRow, changes: ConversationChanges, who: string
): Promise<ConversationDiff & { notices: StoredMessage[] }> {
  const before: Record<string, unknown> = {}
  const after: Record<string, unknown> = {}
  const lines: string[] = []
  const settings: ConversationSettings = { ...conversation.settings }
  if (changes.title !== undefined && changes.title !== conversation.title) {
    before.title = conversation.title
    after.title = changes.title
    lines.push(`${who} renamed the conversation to “${changes.title}”`)
  }
  if (changes.status !== undefined && changes.status !== conversation.status) {
    before.status = conversation.status
    after.status = changes.status
    lines.push(`${who} ${STATUS_LINES[changes.status](conversation.status)}`)
  }
  const slow = changes.settings?.slowModeSeconds
  if (slow !== undefined && slow !== (conversation.settings.slowModeSeconds ?? 0)) {
    before.slowModeSeconds = conversation.settings.slowModeSeconds ?? 0
    after.slowModeSeconds = slow
    settings.slowModeSeconds = slow
    lines.push(`${who} ${slowModeLine(slow)}`)
  }
  const pins = changes.settings?.membersCanPin
  if (pins !== undefined && pins !== (conversation.settings.membersCanPin === true)) {
    before.membersCanPin = conversation.settings.membersCanPin === true
    after.membersCanPin = pins
    settings.membersCanPin = pins
    lines.push(pins ? `${who} let members pin messages` : `${who} let only owners and admins pin messages`)
  }
  const adds = changes.settings?.membersCanAdd
  if (adds !== undefined && adds !== (conversation.settings.membersCanAdd !== false)) {
    before.membersCanAdd = conversation.settings.membersCanAdd !== false
    after.membersCanAdd = adds
    settings.membersCanAdd = adds
    lines.push(adds ? `${who} let members add people` : `${who} let only owners and admins add people`)
  }
  if (!lines.length) return { before, after, notices: [] }
  await tx.update(conversations).set({
    ...(after.title !== undefined ? { title: changes.title } : {}),
    ...(after.status !== undefined ? { status: changes.status } : {}),
    ...('slowModeSeconds' in after || 'membersCanPin' in after || 'membersCanAdd' in after ? { settings } : {})
  }).where(eq(conversations.id, conversation.id))
  const notices: StoredMessage[] = []
  for (const line of lines) notices.push(await insertSystemMessage(tx, actor, conversation.id, line))
  return { before, after, notices }
}

/** After commit: the system lines reach the timeline and every participant's sidebar and header update. */
export async function announceConversationChanges(db: DbOrTx, conversationId: string, notices: readonly StoredMessage[]): Promise<void> {
  if (!notices.length) return
  await publishSystemMessages(db, notices)
  const members = await db.select({ userId: conversationParticipants.userId }).from(conversationParticipants).where(eq(conversationParticipants.conversationId, conversationId))
  await announceConversation(db, conversationId, members.map(m => m.userId))
}

/**
 * Renames a conversation or changes its member settings (owners, admins, global admins). Each
 * change is said in the timeline by a system message, and every participant's sidebar updates.
 */
export async function updateConversation(actor: Actor, conversationId: string, changes: UpdateConversationInput): Promise<Conversation> {
  const db = await useDb()
  const { conversation, participant } = await requireParticipant(db, actor, conversationId)
  if (!canModerate(actor, participant)) throw new AppError('FORBIDDEN', 'only the conversation\'s owners and admins can change it')
  // A rename is a line of the renamer's text in everyone's timeline: a muted owner renames nothing.
  await assertNotSilenced(db, actor, { projectId: conversation.projectId, conversationId })
  if (conversation.type === 'direct') throw new AppError('VALIDATION', 'direct messages have no title or settings to change', { fields: [{ field: 'conversationId', message: 'a direct conversation' }] })
  // The new title is read by everyone in the room: the content rules judge it (CONTENT_BLOCKED, nothing renamed).
  if (changes.title !== undefined && changes.title !== conversation.title) await assertTextAllowed(actor, changes.title, { projectId: conversation.projectId })
  // Each change is a system line in everyone's timeline: budgeted per owner and per conversation.
  const budgets = getActionBudgets()
  await consumeConversationChangeBudget(actor.id, conversationId, budgets.conversationChanges, budgets.conversationChangesPerConversation)
  const { notices } = await db.transaction(tx => applyConversationChanges(tx, actor, conversation, changes, actor.displayName))
  await announceConversationChanges(db, conversationId, notices)
  const [view] = await loadConversations(db, actor.id, eq(conversations.id, conversationId))
  return view!
}
