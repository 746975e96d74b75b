import { and, eq, inArray, ne, or } from 'drizzle-orm'
import type { NotificationPayload } from '#shared/events'
import type { Message } from '#shared/types'
import { useDb } from '../../db/client'
import { conversationParticipants, conversations, messages } from '../../db/schema'
import { logger } from '../../infra/logger'
import { publishToUser } from '../../infra/realtime'
import { memberConversationTitle } from '../conversations/title'
import { loadConversations } from '../conversations/view'
import { notProjectBanned } from '../access'
import { getPresence } from '../people/presence'

const BODY_CHARS = 140

type Kind = NotificationPayload['kind']

/** Which kinds a participant's notification level lets through: "mentions" still lets DMs and mentions in. */
const ALLOWED: Record<'all' | 'mentions' | 'none', ReadonlySet<Kind>> = {
  all: new Set(['mention', 'reply', 'dm']),
  mentions: new Set(['mention', 'dm']),
  none: new Set()
}

/**
 * After a message is stored: a `notification` to each member it concerns — mentioned (or
 * reached by @here/@channel), answered in a thread they are in, or written to directly — unless
 * their level for the conversation, a mute or Do Not Disturb says otherwise. Mentioned members
 * also get their new unread counts. Never throws: a notification is not worth failing a send.
 */
export async function notifyAbout(message: Message): Promise<void> {
  try {
    if (message.type === 'system') return
    const db = await useDb()
    const [conversation] = await db.select({ type: conversations.type, title: conversations.title }).from(conversations).where(eq(conversations.id, message.conversationId))
    if (!conversation) return
    const cp = conversationParticipants
    const participants = await db.select({ userId: cp.userId, level: cp.notificationLevel, muted: cp.muted, mutedUntil: cp.mutedUntil })
      .from(cp).innerJoin(conversations, eq(conversations.id, cp.conversationId))
      // A member banned from the project is told nothing of it, @channel included.
      .where(and(eq(cp.conversationId, message.conversationId), ne(cp.userId, message.senderId), notProjectBanned(cp.userId, conversations.projectId)))
    if (participants.length === 0) return

    const kinds = new Map<string, Kind>()
    const mentioned = new Set(message.mentions.filter(m => m.kind === 'user').map(m => m.userId!))
    const broadcast = message.mentions.find(m => m.kind !== 'user')?.kind
    const presence = broadcast === 'here' ? await getPresence(participants.map(p => p.userId)) : {}
    for (const p of participants) {
      if (mentioned.has(p.userId) || broadcast === 'channel' || (broadcast === 'here' && presence[p.userId] === 'online')) kinds.set(p.userId, 'mention')
    }
    if (message.threadRootId) {
      const inThread = await db.selectDistinct({ userId: messages.senderId }).from(messages)
        .where(or(eq(messages.id, message.threadRootId), eq(messages.threadRootId, message.threadRootId)))
      for (const { userId } of inThread) if (!kinds.has(userId)) kinds.set(userId, 'reply')
    }
    if (conversation.type === 'direct') for (const p of participants) if (!kinds.has(p.userId)) kinds.set(p.userId, 'dm')

    const now = new Date()
    const targets = participants.filter(p => kinds.has(p.userId) && !p.muted && !(p.mutedUntil && p.mutedUntil > now) && ALLOWED[p.level].has(kinds.get(p.userId)!))
    if (targets.length === 0) return
    const statuses = await getPresence(targets.map(t => t.userId))
    // The recipient's label of a direct message is the sender, who needs no "in".
    const label = memberConversationTitle(conversation, message.sender)
    const title = conversation.type === 'direct' ? label : `${message.sender.displayName} in ${label}`
    const text = message.content.replace(/\s+/g, ' ').trim()
    const body = text.length > BODY_CHARS ? `${text.slice(0, BODY_CHARS - 1)}…` : text
    for (const t of targets) {
      if (statuses[t.userId] === 'dnd') continue
      publishToUser(t.userId, 'notification', { kind: kinds.get(t.userId)!, conversationId: message.conversationId, messageId: message.id, title, body })
    }
    const mentionedTargets = targets.filter(t => kinds.get(t.userId) === 'mention').map(t => t.userId)
    for (const userId of mentionedTargets) {
      const [view] = await loadConversations(db, userId, inArray(conversations.id, [message.conversationId]))
      if (view) publishToUser(userId, 'unread:update', { conversationId: view.id, unreadCount: view.unreadCount, mentionCount: view.mentionCount })
    }
  } catch (err) {
    logger.warn({ err, messageId: message.id }, 'could not send notifications')
  }
}
