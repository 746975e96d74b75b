import { and, eq, or } from 'drizzle-orm'
import type { NotificationPayload } from '#shared/events'
import type { Message } from '#shared/types'
import { useDb } from '../../db/client'
import { conversationParticipants, conversations, messages, profiles } from '../../db/schema'
import { logger } from '../../infra/logger'
import { publishToUser } from '../../infra/realtime'
import { memberConversationTitle } from '../conversations/title'
import { notProjectBanned } from '../access'
import { conversationCountsFor, projectTotalsFor } from '../messages/reads-counts'
import { noteThreadReply } from '../messages/reads-threads'
import { chosenDnd, getPresence } from '../people/presence'
import { visibilityOf } from './client-state'
import { noteMissedActivity } from './email'
import { channelsFor, inDnd, kindsFor, levelAllows, type Candidate } from './evaluate'
import { pushNotification } from './push'

const BODY_CHARS = 140

/** The link that opens a message in the app. */
export const messageUrl = (message: Pick<Message, 'conversationId' | 'seq'>) => `/c/${message.conversationId}#m-${message.seq}`

/**
 * After a message is stored: tell each member it concerns — mentioned (or reached by @here/@channel),
 * in the thread it answers, or written to directly — unless their level for the conversation, a mute
 * or Do Not Disturb says otherwise (evaluate.ts). Told in the app unless one of their clients shows the
 * conversation; by push while none of their clients is visible; noted for the missed-activity email.
 * Their unread counts follow. Runs after the sender's ack with a fixed number of queries whatever the
 * number of members; never throws: a notification is not worth failing a send.
 */
export async function notifyAbout(message: Message): Promise<void> {
  // The caller does not await this; yielding once lets the ack leave before any of this work starts.
  await new Promise(resolve => setImmediate(resolve))
  try {
    if (message.type === 'system') return
    const db = await useDb()
    const cp = conversationParticipants
    const rows = await db.select({
      userId: cp.userId, level: cp.notificationLevel, muted: cp.muted, mutedUntil: cp.mutedUntil,
      dndUntil: profiles.dndUntil, preview: profiles.notificationPreview,
      conversation: { type: conversations.type, title: conversations.title, projectId: conversations.projectId }
    })
      .from(cp).innerJoin(conversations, eq(conversations.id, cp.conversationId)).innerJoin(profiles, eq(profiles.id, cp.userId))
      // A member banned from the project is told nothing of it, @channel included.
      .where(and(eq(cp.conversationId, message.conversationId), notProjectBanned(cp.userId, conversations.projectId)))
    const conversation = rows[0]?.conversation
    if (!conversation) return
    const inThread = message.threadRootId
      ? new Set((await db.selectDistinct({ userId: messages.senderId }).from(messages)
          .where(or(eq(messages.id, message.threadRootId), eq(messages.threadRootId, message.threadRootId)))).map(r => r.userId))
      : new Set<string>()
    const others = rows.filter(r => r.userId !== message.senderId)
    const candidates: Candidate[] = others.map(r => ({ ...r, inThread: inThread.has(r.userId) }))
    const broadcastHere = message.mentions.some(m => m.kind === 'here')
    const kinds = kindsFor(message, conversation.type, candidates, broadcastHere ? await getPresence(candidates.map(c => c.userId)) : {})

    if (message.threadRootId) {
      // The sender read the thread up to here; everyone concerned keeps it unread until they read it.
      await noteThreadReply(db, { conversationId: message.conversationId, threadRootId: message.threadRootId, senderId: message.senderId, seq: message.seq }, [...kinds.keys()])
    }

    const now = new Date()
    const targets = candidates.filter(c => kinds.has(c.userId) && levelAllows(c, kinds.get(c.userId)!, now))
    if (targets.length === 0) return
    const targetIds = targets.map(t => t.userId)
    const [dnd, visibility] = await Promise.all([chosenDnd(targetIds), visibilityOf(targetIds)])

    // The recipient's label of a direct message is the sender, who needs no "in".
    const label = memberConversationTitle(conversation, message.sender)
    const title = conversation.type === 'direct' ? label : `${message.sender.displayName} in ${label}`
    const text = message.content.replace(/\s+/g, ' ').trim()
    const body = text.length > BODY_CHARS ? `${text.slice(0, BODY_CHARS - 1)}…` : text
    const preview = new Map(others.map(r => [r.userId, r.preview]))
    for (const t of targets) {
      if (inDnd(t, dnd, now)) continue
      const payload: NotificationPayload = {
        kind: kinds.get(t.userId)!, conversationId: message.conversationId, messageId: message.id, title, body,
        sender: { id: message.sender.id, displayName: message.sender.displayName, avatarUrl: message.sender.avatarUrl }, url: messageUrl(message)
      }
      // Pushes and emails leave the app: without previews they name only who wrote where.
      const outside = preview.get(t.userId) === false ? { ...payload, body: '' } : payload
      const channels = channelsFor(visibility.get(t.userId), message.conversationId)
      if (channels.inApp) publishToUser(t.userId, 'notification', payload)
      if (channels.push) void pushNotification(t.userId, outside)
      void noteMissedActivity(t.userId, outside)
    }

    // Counts move whether or not the notification itself was held back.
    const mentioned = targets.filter(t => kinds.get(t.userId) === 'mention').map(t => t.userId)
    const [counts, totals] = await Promise.all([
      conversationCountsFor(db, message.conversationId, mentioned),
      projectTotalsFor(db, targetIds, [conversation.projectId])
    ])
    for (const c of counts) publishToUser(c.userId, 'unread:update', { conversationId: c.conversationId, unreadCount: c.unreadCount, mentionCount: c.mentionCount })
    for (const t of totals) publishToUser(t.userId, 'project:unread', { projectId: t.projectId, unreadCount: t.unreadCount, mentionCount: t.mentionCount })
  } catch (err) {
    logger.warn({ err, messageId: message.id }, 'could not send notifications')
  }
}
