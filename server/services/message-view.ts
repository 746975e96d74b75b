import { and, eq, inArray, type SQL } from 'drizzle-orm'
import type { Attachment, Mention, Message, Reaction } from '#shared/types'
import type { DbOrTx } from '../db/client'
import { attachments, mentions, messages, profiles, reactions, type MessageRow, type ProfileRow } from '../db/schema'
import { toUserSummary } from './users'

type AttachmentRow = typeof attachments.$inferSelect

type SenderRow = Pick<ProfileRow, 'id' | 'displayName' | 'avatarUrl'>

interface Extras {
  reactions: Reaction[]
  attachments: Attachment[]
  mentions: Mention[]
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
export function toMessage(row: MessageRow, sender: SenderRow, extras: Extras = NO_EXTRAS): Message {
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
    replyCount: row.replyCount,
    reactions: extras.reactions,
    attachments: deleted ? [] : extras.attachments,
    mentions: deleted ? [] : extras.mentions,
    pinnedAt: iso(row.pinnedAt),
    editedAt: iso(row.editedAt),
    deletedAt: iso(row.deletedAt),
    createdAt: row.createdAt.toISOString()
  }
}

async function loadExtras(db: DbOrTx, ids: string[]): Promise<Map<string, Extras>> {
  const byId = new Map<string, Extras>(ids.map(id => [id, { reactions: [], attachments: [], mentions: [] }]))
  if (ids.length === 0) return byId
  const [reactionRows, attachmentRows, mentionRows] = await Promise.all([
    db.select().from(reactions).where(inArray(reactions.messageId, ids)).orderBy(reactions.createdAt),
    db.select().from(attachments).where(inArray(attachments.messageId, ids)).orderBy(attachments.createdAt),
    db.select().from(mentions).where(inArray(mentions.messageId, ids))
  ])
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
  const extras = await loadExtras(db, rows.map(r => r.message.id))
  return rows.map(r => toMessage(r.message, r.sender, extras.get(r.message.id)))
}

/** One message by id, fully loaded, or undefined. */
export async function loadMessage(db: DbOrTx, id: string): Promise<Message | undefined> {
  const [message] = await loadMessages(db, and(eq(messages.id, id)), [], 1)
  return message
}
