import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm'
import type { Attachment, Mention, Message, QuotedMessage, Reaction, ThreadSummary } from '#shared/types'
import type { DbOrTx } from '../../db/client'
import { attachments, mentions, messages, profiles, reactions, type MessageRow, type ProfileRow } from '../../db/schema'
import { toUserSummary } from '../people/user-view'
import type { StoredMessage } from './insert'

type AttachmentRow = typeof attachments.$inferSelect

type SenderRow = Pick<ProfileRow, 'id' | 'displayName' | 'avatarUrl'>

interface Extras {
  reactions: Reaction[]
  attachments: Attachment[]
  mentions: Mention[]
  thread?: ThreadSummary | null
  replyTo?: QuotedMessage | null
}

const EXCERPT_CHARS = 140

/** The quote a reply shows: the first line of the original, shortened, or nothing once deleted. */
export function toQuoted(row: { id: string, seq: number, content: string, deletedAt: Date | null }, senderName: string): QuotedMessage {
  const deleted = row.deletedAt !== null
  const firstLine = deleted ? '' : (row.content.split('\n').find(l => l.trim() !== '') ?? '').trim()
  return { id: row.id, seq: row.seq, senderName, excerpt: firstLine.length > EXCERPT_CHARS ? `${firstLine.slice(0, EXCERPT_CHARS - 1)}…` : firstLine, deleted }
}

/** The contract's Attachment for a stored row; downloads go through the authorized endpoint. */
export function toAttachment(row: AttachmentRow): Attachment {
  return {
    id: row.id,
    fileName: row.fileName,
    mimeType: row.mimeType,
    sizeBytes: row.sizeBytes,
    url: `/api/attachments/${row.id}`,
    thumbnailUrl: row.thumbnailKey ? `/api/attachments/${row.id}/thumbnail` : null,
    ...(row.width ? { width: row.width } : {}),
    ...(row.height ? { height: row.height } : {})
  }
}

const NO_EXTRAS: Extras = { reactions: [], attachments: [], mentions: [] }
const iso = (d: Date | null) => d ? d.toISOString() : null

/** Maps a stored row to the contract's Message; a deleted message keeps its place but no content. */
export function toMessage(row: StoredMessage, sender: SenderRow, extras: Extras = NO_EXTRAS): Message {
  const deleted = row.deletedAt !== null
  return {
    id: row.id,
    conversationId: row.conversationId,
    seq: row.seq,
    updatedSeq: row.updatedSeq,
    clientId: row.clientId,
    senderId: row.senderId,
    sender: toUserSummary(sender),
    type: row.type,
    content: deleted ? '' : row.content,
    contentHtml: deleted ? '' : row.contentHtml,
    replyToId: row.replyToId,
    threadRootId: row.threadRootId,
    alsoInConversation: row.alsoInConversation,
    replyCount: row.replyCount,
    thread: extras.thread ?? null,
    replyTo: extras.replyTo ?? null,
    reactions: extras.reactions,
    attachments: deleted ? [] : extras.attachments,
    mentions: deleted ? [] : extras.mentions,
    pinnedAt: iso(row.pinnedAt),
    editedAt: iso(row.editedAt),
    deletedAt: iso(row.deletedAt),
    createdAt: row.createdAt.toISOString()
  }
}

/** Thread summaries for roots: last reply time and the three most recent repliers. */
async function loadThreadSummaries(db: DbOrTx, rootIds: string[]): Promise<Map<string, ThreadSummary>> {
  const summaries = new Map<string, ThreadSummary>()
  if (rootIds.length === 0) return summaries
  const rows = await db.select({
    rootId: messages.threadRootId,
    lastAt: sql<Date>`max(${messages.createdAt})`.mapWith(v => new Date(v as string)),
    sender: { id: profiles.id, displayName: profiles.displayName, avatarUrl: profiles.avatarUrl }
  }).from(messages)
    .innerJoin(profiles, eq(profiles.id, messages.senderId))
    .where(and(inArray(messages.threadRootId, rootIds), isNull(messages.deletedAt)))
    .groupBy(messages.threadRootId, profiles.id, profiles.displayName, profiles.avatarUrl)
  const byRoot = new Map<string, typeof rows>()
  for (const row of rows) byRoot.set(row.rootId!, [...(byRoot.get(row.rootId!) ?? []), row])
  for (const [rootId, repliers] of byRoot) {
    repliers.sort((a, b) => b.lastAt.getTime() - a.lastAt.getTime())
    summaries.set(rootId, { lastReplyAt: repliers[0]!.lastAt.toISOString(), repliers: repliers.slice(0, 3).map(r => toUserSummary(r.sender)) })
  }
  return summaries
}

async function loadQuoted(db: DbOrTx, ids: string[]): Promise<Map<string, QuotedMessage>> {
  if (ids.length === 0) return new Map()
  const rows = await db.select({ m: { id: messages.id, seq: messages.seq, content: messages.content, deletedAt: messages.deletedAt }, name: profiles.displayName })
    .from(messages).innerJoin(profiles, eq(profiles.id, messages.senderId)).where(inArray(messages.id, ids))
  return new Map(rows.map(r => [r.m.id, toQuoted(r.m, r.name)]))
}

async function loadExtras(db: DbOrTx, rows: readonly MessageRow[]): Promise<Map<string, Extras>> {
  const ids = rows.map(r => r.id)
  const byId = new Map<string, Extras>(ids.map(id => [id, { reactions: [], attachments: [], mentions: [] }]))
  if (ids.length === 0) return byId
  const rootIds = rows.filter(r => r.replyCount > 0).map(r => r.id)
  const quotedIds = [...new Set(rows.flatMap(r => r.replyToId ? [r.replyToId] : []))]
  const [reactionRows, attachmentRows, mentionRows, threads, quoted] = await Promise.all([
    db.select().from(reactions).where(inArray(reactions.messageId, ids)).orderBy(reactions.createdAt),
    db.select().from(attachments).where(inArray(attachments.messageId, ids)).orderBy(attachments.createdAt),
    db.select().from(mentions).where(inArray(mentions.messageId, ids)),
    loadThreadSummaries(db, rootIds),
    loadQuoted(db, quotedIds)
  ])
  for (const r of rows) {
    const extras = byId.get(r.id)!
    extras.thread = threads.get(r.id) ?? null
    extras.replyTo = r.replyToId ? quoted.get(r.replyToId) ?? null : null
  }
  for (const r of reactionRows) {
    const list = byId.get(r.messageId)!.reactions
    const existing = list.find(x => x.emoji === r.emoji)
    if (existing) {
      existing.count++
      existing.userIds.push(r.userId)
    } else {
      list.push({ emoji: r.emoji, count: 1, userIds: [r.userId] })
    }
  }
  for (const a of attachmentRows) byId.get(a.messageId!)!.attachments.push(toAttachment(a))
  for (const m of mentionRows) byId.get(m.messageId)!.mentions.push({ userId: m.userId, kind: m.kind })
  return byId
}

/** Loads messages with senders, reactions, attachments and mentions, in the order the query gives. */
export async function loadMessages(db: DbOrTx, where: SQL | undefined, orderBy: SQL[], limit: number): Promise<Message[]> {
  const rows = await db.select({ message: messages, sender: { id: profiles.id, displayName: profiles.displayName, avatarUrl: profiles.avatarUrl } })
    .from(messages)
    .innerJoin(profiles, eq(profiles.id, messages.senderId))
    .where(where)
    .orderBy(...orderBy)
    .limit(limit)
  const extras = await loadExtras(db, rows.map(r => r.message))
  return rows.map(r => toMessage(r.message, r.sender, extras.get(r.message.id)))
}

/** One message by id, fully loaded, or undefined. */
export async function loadMessage(db: DbOrTx, id: string): Promise<Message | undefined> {
  const [message] = await loadMessages(db, and(eq(messages.id, id)), [], 1)
  return message
}
