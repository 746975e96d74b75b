import { and, asc, eq, gt, sql } from 'drizzle-orm'
import type { Mention, Message } from '#shared/types'
import type { MessageDeletedPayload, SendMessageReply, SyncResult } from '#shared/events'
import type { DeleteMessageInput, EditMessageInput, HistoryQuery, SendMessageInput, SyncRequest } from '#shared/schemas'
import { SYNC_PAGE_MAX } from '#shared/limits'
import { useDb, type Db, type DbOrTx, type Tx } from '../../db/client'
import { readFor, ReplicaBehindError } from '../../db/read-routing'
import { noteWrite } from '../../db/write-markers'
import { conversations, messageEdits, messages, profiles } from '../../db/schema'
import { consumeSyncBudget, refundMessageBudget } from '../../infra/rate-limit'
import { publishToConversation } from '../../infra/realtime'
import { useMetrics } from '../../infra/metrics'
import { getConfig } from '../../utils/config'
import { AppError } from '../../utils/errors'
import { canModerate, notParticipant, requireMessageAccess, requireParticipant, silencedError } from '../access'
import { prepareCodeLanguages, renderMessage, renderPlainText } from './markdown/render'
import { assertMayBroadcast, mentionablesFor, storeMentions } from './mentions'
import { notifyAbout } from '../notifications/notifications'
import { loadMessage, loadMessages, toMessage, toQuoted } from './view'
import { NEWEST, readHistoryPage, type HistoryPageJson } from './history-page'
import { insertMessage, type StoredMessage } from './insert'
import { commitPlainMessage, MessageNotStoredError } from './group-commit'
import { clientIdReused, readSendGate } from './send-gate'
import { forgetGate } from './send-gate-cache'
import { isUniqueViolation, takeNextSeq } from './sequence'
import { getPolicyLimits } from '../moderation/policy-limits'
import { enforcePostingPolicy, type PostingVerdict } from '../moderation/posting-policy'
import { automodCheckFileNames } from '../moderation/automod/engine'
import { recordContentFlags } from '../moderation/automod/flags'
import { claimAttachments, pendingFileNames } from '../uploads/claim'
import type { Actor } from '../../domain/actor'

/**
 * The text of files sent without any: their names. Such a message has type `file`, and its
 * stored text lets search, previews and notifications show it. Decided here only; clients send
 * `content: ''` and read `type`.
 */
function fileMessageText(fileNames: string[]): string {
  return fileNames.join(', ').slice(0, getConfig().maxMessageLength)
}

/** The sender's earlier message with this clientId; one from another conversation is a misused clientId, not a retry. */
async function findByClientId(db: DbOrTx, actor: Actor, clientId: string, conversationId: string): Promise<Message | undefined> {
  const [row] = await db.select({ id: messages.id, conversationId: messages.conversationId }).from(messages)
    .where(and(eq(messages.senderId, actor.id), eq(messages.clientId, clientId)))
  if (!row) return undefined
  if (row.conversationId !== conversationId) {
    throw clientIdReused()
  }
  return loadMessage(db, row.id)
}

/**
 * Persists a message and publishes it after commit. A retry with the same clientId, on any
 * instance, returns the original message instead of a second copy.
 */
export async function sendMessage(actor: Actor, data: SendMessageInput, options: { prepaid?: boolean } = {}): Promise<SendMessageReply> {
  const started = performance.now()
  const db = await useDb()
  // Membership first: someone removed since must not read a message back through a replayed clientId.
  const gate = await readSendGate(db, actor, data.conversationId, data.clientId)
  const { membership, existingId, silenced } = gate
  if (existingId) {
    const existing = await loadMessage(db, existingId)
    if (existing) return { message: existing, duplicate: true }
  }

  let verdict: PostingVerdict
  let contentHtml: string
  let found: Mention[]
  try {
    // Content rules read what members will: the text, and the names of the files it brings.
    const nameFlags = data.attachmentIds?.length ? await automodCheckFileNames(actor, membership, await pendingFileNames(db, actor, data.conversationId, data.attachmentIds)) : []
    verdict = await enforcePostingPolicy(db, actor, { action: 'send', membership, silenced, content: data.content || undefined, inThread: !!data.threadRootId && data.alsoToConversation !== true, prepaid: options.prepaid })
    verdict.flags.push(...nameFlags)
    await prepareCodeLanguages(data.content)
    ;({ html: contentHtml, mentions: found } = renderMessage(data.content, await mentionablesFor(db, data.conversationId, data.content)))
    await assertMayBroadcast(db, actor, membership, found)
  } catch (error) {
    // A gate from memory did not look for a retry: one whose ack was lost gets its message back,
    // whatever would refuse a new message now (a lock, the rate limit).
    const original = gate.fromMemory && error instanceof AppError ? await findByClientId(db, actor, data.clientId, data.conversationId) : undefined
    if (original) return { message: original, duplicate: true }
    throw error
  }

  let row: StoredMessage
  let attached: Message['attachments'] = []
  let quoted: Message['replyTo'] = null
  const sent = { conversationId: data.conversationId, clientId: data.clientId, senderId: actor.id }
  // A plain message needs nothing but the insert: one statement, no transaction around it.
  const plain = !data.threadRootId && !data.replyToId && !data.attachmentIds?.length && found.length === 0
  try {
    row = plain
      ? await commitPlainMessage({ ...sent, content: data.content, contentHtml })
      : await db.transaction(async (tx) => {
          let threadRootId = data.threadRootId ?? null
          const replyToId = data.replyToId ?? null
          for (const [field, id] of [['threadRootId', threadRootId], ['replyToId', replyToId]] as const) {
            if (!id) continue
            const [target] = await tx.select({ message: messages, senderName: profiles.displayName }).from(messages)
              .innerJoin(profiles, eq(profiles.id, messages.senderId)).where(eq(messages.id, id))
            if (target?.message.conversationId !== data.conversationId) {
              throw new AppError('VALIDATION', `${field}: message not found in this conversation`, { fields: [{ field, message: 'not in this conversation' }] })
            }
            // A reply to a reply joins the same thread: threads are one level deep, as in Slack.
            if (field === 'threadRootId' && target.message.threadRootId) threadRootId = target.message.threadRootId
            if (field === 'replyToId') quoted = toQuoted(target.message, target.senderName)
          }
          // Checked and locked before the seq is taken, so a bad id fails the send and changes nothing.
          const claim = data.attachmentIds?.length ? await claimAttachments(tx, actor, data.conversationId, data.attachmentIds) : null
          // The schema lets content be empty only when files come with it.
          const fileText = claim && !data.content ? fileMessageText(claim.fileNames) : null
          const inserted = await insertMessage(tx, {
            ...sent,
            type: fileText === null ? 'text' : 'file',
            content: fileText ?? data.content,
            contentHtml: fileText === null ? contentHtml : renderPlainText(fileText),
            replyToId,
            threadRootId,
            alsoInConversation: !!threadRootId && data.alsoToConversation === true
          }, { markRead: true })
          if (claim) attached = await claim.link(inserted.id)
          await storeMentions(tx, inserted.id, found)
          if (threadRootId) {
            const rootSeq = await takeNextSeq(tx, data.conversationId)
            await tx.update(messages).set({ replyCount: sql`${messages.replyCount} + 1`, updatedSeq: rootSeq }).where(eq(messages.id, threadRootId))
          }
          return inserted
        })
  } catch (error) {
    if (isUniqueViolation(error)) {
      const original = await findByClientId(db, actor, data.clientId, data.conversationId)
      if (original) {
        // A retry the gate from memory let through drew on the budget, which a retry never does.
        if (gate.fromMemory && !options.prepaid) await refundMessageBudget(actor.id)
        return { message: original, duplicate: true }
      }
    }
    if (error instanceof MessageNotStoredError) await refuseAsTheGateNowDoes(db, actor, data)
    throw error
  }
  // Before the ack: the sender's next history or search read must see this message.
  noteWrite(actor.id)

  // Publish straight after commit, with nothing awaited in between, so fan-out follows commit order as closely as it can.
  const message = toMessage(row, { id: actor.id, displayName: actor.displayName, avatarUrl: actor.avatarUrl })
  message.attachments = attached
  message.mentions = found
  message.replyTo = quoted
  publishToConversation(message.conversationId, 'message:new', { message })
  const metrics = useMetrics()
  metrics.sendEmitSeconds.observe((performance.now() - started) / 1000)
  metrics.messagesPersisted.inc()
  // Flagged: delivered like any message, and queued for review before the sender's ack.
  await recordContentFlags(message.id, verdict.flags)
  if (message.threadRootId) {
    const root = await loadMessage(db, message.threadRootId)
    if (root) publishToConversation(root.conversationId, 'message:updated', { message: root })
  }
  // Off the ack path: the sender does not wait for who else gets told.
  if (found.length > 0 || message.threadRootId || membership.conversation.type === 'direct') void notifyAbout(message)
  return { message, duplicate: false }
}

/**
 * The insert left a send out (membership, ban or mute changed after its checks were answered):
 * the refusal a fresh gate gives now, FORBIDDEN or MUTED.
 */
async function refuseAsTheGateNowDoes(db: Db, actor: Actor, data: SendMessageInput): Promise<void> {
  forgetGate(actor.id, data.conversationId)
  const fresh = await readSendGate(db, actor, data.conversationId, data.clientId, { fresh: true })
  if (fresh.silenced) throw silencedError(fresh.silenced)
}

/** Changes the text of one's own message; the previous text is kept in the edit history. */
export async function editMessage(actor: Actor, { messageId, content }: EditMessageInput): Promise<Message> {
  const db = await useDb()
  const { message: current, ...membership } = await requireMessageAccess(db, actor, messageId)
  if (current.senderId !== actor.id) throw new AppError('FORBIDDEN', 'only the author can edit a message')
  if (current.deletedAt) throw new AppError('NOT_FOUND', 'message was deleted')
  const verdict = await enforcePostingPolicy(db, actor, { action: 'edit', membership, content, inThread: !!current.threadRootId })
  await prepareCodeLanguages(content)
  const { html: contentHtml, mentions: found } = renderMessage(content, await mentionablesFor(db, current.conversationId, content))
  await assertMayBroadcast(db, actor, membership, found)
  await db.transaction(async (tx) => {
    const [locked] = await tx.select().from(messages).where(eq(messages.id, messageId)).for('update')
    if (!locked || locked.deletedAt) throw new AppError('NOT_FOUND', 'message was deleted')
    const updatedSeq = await takeNextSeq(tx, current.conversationId)
    await tx.insert(messageEdits).values({ messageId, previousContent: locked.content, kind: 'edit', editedBy: actor.id })
    await tx.update(messages).set({ content, contentHtml, editedAt: sql`now()`, updatedSeq }).where(eq(messages.id, messageId))
    await storeMentions(tx, messageId, found, true)
  })
  noteWrite(actor.id)
  const message = (await loadMessage(db, messageId))!
  publishToConversation(message.conversationId, 'message:updated', { message })
  await recordContentFlags(messageId, verdict.flags)
  return message
}

/**
 * Soft-deletes a message: it keeps its place (id, seq) but every reader loses its content.
 * The author, conversation owners/admins and global admins may delete.
 */
export async function deleteMessage(actor: Actor, { messageId }: DeleteMessageInput): Promise<MessageDeletedPayload> {
  const db = await useDb()
  const { message: current, participant } = await requireMessageAccess(db, actor, messageId)
  if (current.senderId !== actor.id && !canModerate(actor, participant)) {
    throw new AppError('FORBIDDEN', 'only the author or a moderator can delete this message')
  }
  const { payload } = await db.transaction(tx => softDeleteInTx(tx, actor.id, messageId))
  noteWrite(actor.id)
  publishToConversation(payload.conversationId, 'message:deleted', payload)
  return payload
}

/**
 * The one soft delete, for members and the admin layer: blanks the message, keeps its text in the
 * edit history (moderators can restore it) and takes a new updatedSeq so sync carries it.
 * `changed` is false when it was already deleted. The caller publishes after commit.
 */
export async function softDeleteInTx(tx: Tx, actorId: string, messageId: string): Promise<{ payload: MessageDeletedPayload, changed: boolean }> {
  const [locked] = await tx.select().from(messages).where(eq(messages.id, messageId)).for('update')
  if (!locked) throw new AppError('NOT_FOUND', 'message not found')
  if (locked.deletedAt) return { payload: { conversationId: locked.conversationId, messageId, seq: locked.seq, updatedSeq: locked.updatedSeq }, changed: false }
  const updatedSeq = await takeNextSeq(tx, locked.conversationId)
  await tx.insert(messageEdits).values({ messageId, previousContent: locked.content, kind: 'delete', editedBy: actorId })
  await tx.update(messages).set({ content: '', contentHtml: '', deletedAt: sql`now()`, deletedBy: actorId, updatedSeq })
    .where(eq(messages.id, messageId))
  return { payload: { conversationId: locked.conversationId, messageId, seq: locked.seq, updatedSeq }, changed: true }
}

/**
 * A page of the conversation's timeline, ascending by seq: the newest page, the one before
 * `beforeSeq`, or after `afterSeq`. Thread replies live in their thread, unless also sent here.
 * The page comes as its JSON text (history-page.ts).
 */
export async function listHistory(actor: Actor, conversationId: string, { limit, beforeSeq, afterSeq }: HistoryQuery): Promise<HistoryPageJson> {
  const direction = afterSeq !== undefined ? 'after' : 'before'
  const cursor = afterSeq ?? beforeSeq ?? NEWEST
  const primary = await useDb()
  return readFor(actor.id, async (db, onReplica) => {
    // Authorization stays on the primary: there the gate is part of the page's own statement.
    if (onReplica) await requireParticipant(primary, actor, conversationId)
    const page = await readHistoryPage(db, { actorId: actor.id, conversationId, direction, cursor, limit, gated: !onReplica })
    if (page) return page
    // A replica without the conversation yet is behind the primary, which just let the caller in.
    if (onReplica) throw new ReplicaBehindError()
    throw notParticipant()
  })
}

/**
 * Everything that changed after each cursor — new, edited and deleted messages — ordered by
 * updatedSeq so a client can page with the last value it received.
 */
export async function syncConversations(actor: Actor, { conversations: wanted }: SyncRequest): Promise<SyncResult[]> {
  // Charged per conversation before any is read, so neither size nor repetition is free.
  await consumeSyncBudget(actor.id, wanted.length, getPolicyLimits().syncConversationsPerMinute)
  const db = await useDb()
  const results: SyncResult[] = []
  for (const { conversationId, afterSeq } of wanted) {
    await requireParticipant(db, actor, conversationId)
    // Read the counter before the page: every value up to it is committed, so it is a safe cursor.
    const [counter] = await db.select({ lastSeq: conversations.lastSeq }).from(conversations).where(eq(conversations.id, conversationId))
    const lastSeqNow = counter?.lastSeq ?? 0
    // The answer promises everything up to that counter, whoever asks: a replica serves the page only
    // once its own counter has reached the primary's (replay is in commit order, so it then holds every change up to it).
    const page = await readFor(actor.id, async (reader, onReplica) => {
      if (onReplica && await counterOf(reader, conversationId) < lastSeqNow) throw new ReplicaBehindError()
      return loadMessages(reader, and(eq(messages.conversationId, conversationId), gt(messages.updatedSeq, afterSeq)),
        [asc(messages.updatedSeq)], SYNC_PAGE_MAX + 1)
    })
    const hasMore = page.length > SYNC_PAGE_MAX
    const kept = page.slice(0, SYNC_PAGE_MAX)
    const lastSeq = hasMore ? kept.at(-1)!.updatedSeq : Math.max(lastSeqNow, kept.at(-1)?.updatedSeq ?? 0)
    results.push({ conversationId, messages: kept, hasMore, lastSeq })
  }
  return results
}

/** A conversation's counter as this database has it (-1 when it does not have the conversation yet). */
async function counterOf(db: Db, conversationId: string): Promise<number> {
  const [row] = await db.select({ lastSeq: conversations.lastSeq }).from(conversations).where(eq(conversations.id, conversationId))
  return row?.lastSeq ?? -1
}
