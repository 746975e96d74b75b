import { and, asc, desc, eq, gt, gte, inArray, lt, lte, type SQL } from 'drizzle-orm'
import type { AdminHistoryMessage, AdminHistoryPage, AdminHistoryQuery } from '#admin-shared/admin-schemas'
import type { Message } from '#shared/types'
import {
  AppError, assertAdmin, attachments, conversations, deletedTextsOf, loadMessages, messages, profiles,
  renderMarkdown, renderPlainText, toAttachment, useDb, type Actor, type DbOrTx
} from '~~/server/admin-surface'

/**
 * The member view blanks a deleted message; the admin's read-only history shows what it said (the
 * text the delete saved in message_edits; a row restored since keeps its own), who deleted it and
 * when. Batched look-ups for the deleted ones on the page only.
 */
async function withDeletedContent(db: DbOrTx, page: Message[]): Promise<AdminHistoryMessage[]> {
  const deletedIds = page.filter(m => m.deletedAt).map(m => m.id)
  const [rows, savedText, files] = deletedIds.length
    ? await Promise.all([
        db.select({
          id: messages.id, content: messages.content, contentHtml: messages.contentHtml, deletedBy: messages.deletedBy,
          retentionDeletedAt: messages.retentionDeletedAt, deleterName: profiles.displayName
        })
          .from(messages).leftJoin(profiles, eq(profiles.id, messages.deletedBy)).where(inArray(messages.id, deletedIds)),
        deletedTextsOf(db, deletedIds),
        db.select().from(attachments).where(inArray(attachments.messageId, deletedIds)).orderBy(attachments.createdAt)
      ])
    : [[], new Map<string, string>(), []]
  const byId = new Map(rows.map(o => [o.id, o]))
  return page.map((m) => {
    const row = byId.get(m.id)
    const text = row ? (row.content || savedText.get(m.id) || '') : m.content
    return {
      ...m,
      ...(row ? { content: text, contentHtml: row.contentHtml || (m.type === 'text' ? renderMarkdown(text) : renderPlainText(text)), attachments: files.filter(f => f.messageId === m.id).map(toAttachment) } : {}),
      deleted: m.deletedAt !== null,
      deletedBy: row?.deletedBy ? { id: row.deletedBy, displayName: row.deleterName ?? 'a deleted account' } : null,
      deletedByRetention: !!row?.retentionDeletedAt,
      isReply: m.threadRootId !== null,
      edited: m.editedAt !== null
    }
  })
}

async function exists(db: DbOrTx, where: SQL): Promise<boolean> {
  const [row] = await db.select({ id: messages.id }).from(messages).where(where).limit(1)
  return !!row
}

/**
 * One page of a conversation's full history in seq order: top-level messages, thread replies and
 * system lines, deleted ones included. `before` / `after` page from a seq; `around` centres on one
 * (the message a report or a chart links to); no cursor gives the newest page.
 */
export async function adminConversationHistory(actor: Actor, conversationId: string, query: AdminHistoryQuery): Promise<AdminHistoryPage> {
  assertAdmin(actor)
  const db = await useDb()
  const [conversation] = await db.select({ id: conversations.id }).from(conversations).where(eq(conversations.id, conversationId))
  if (!conversation) throw new AppError('NOT_FOUND', 'conversation not found')
  const inConversation = eq(messages.conversationId, conversationId)
  const older = (seq: number) => loadMessages(db, and(inConversation, lt(messages.seq, seq)), [desc(messages.seq)], query.limit).then(list => list.reverse())
  const newer = (seq: number, inclusive = false) => loadMessages(db, and(inConversation, inclusive ? gte(messages.seq, seq) : gt(messages.seq, seq)), [asc(messages.seq)], query.limit)

  let page: Message[]
  if (query.after !== undefined) {
    page = await newer(query.after)
  } else if (query.around !== undefined) {
    const half = Math.floor(query.limit / 2)
    const [before, from] = await Promise.all([
      half ? loadMessages(db, and(inConversation, lt(messages.seq, query.around)), [desc(messages.seq)], half) : Promise.resolve([]),
      newer(query.around, true)
    ])
    page = [...before.reverse(), ...from.slice(0, query.limit - before.length)]
  } else {
    page = await older(query.before ?? Number.MAX_SAFE_INTEGER)
  }

  let hasMoreBefore: boolean
  let hasMoreAfter: boolean
  if (page.length) {
    [hasMoreBefore, hasMoreAfter] = await Promise.all([
      exists(db, and(inConversation, lt(messages.seq, page[0]!.seq))!),
      exists(db, and(inConversation, gt(messages.seq, page.at(-1)!.seq))!)
    ])
  } else {
    // An empty page past either end: what lies on the cursor's other side is still there.
    hasMoreBefore = query.after !== undefined && await exists(db, and(inConversation, lte(messages.seq, query.after))!)
    hasMoreAfter = query.before !== undefined && await exists(db, and(inConversation, gte(messages.seq, query.before))!)
  }
  return { messages: await withDeletedContent(db, page), hasMoreBefore, hasMoreAfter }
}
