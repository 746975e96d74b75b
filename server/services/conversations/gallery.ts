import { and, desc, eq, isNull, like, lt, not } from 'drizzle-orm'
import type { GalleryItem, GalleryQuery } from '#shared/gallery-schemas'
import { useDb } from '../../db/client'
import { attachments, messages } from '../../db/schema'
import { requireParticipant } from '../access'
import { toAttachment } from '../messages/view'
import type { Actor } from '../../domain/actor'

/** A conversation's sent files, newest first: images for the grid, or everything else. */
export async function listConversationFiles(actor: Actor, conversationId: string, { kind, before, limit }: GalleryQuery): Promise<{ attachments: GalleryItem[], hasMore: boolean }> {
  const db = await useDb()
  await requireParticipant(db, actor, conversationId)
  const image = like(attachments.mimeType, 'image/%')
  const rows = await db.select({ a: attachments, messageSeq: messages.seq, senderId: messages.senderId })
    .from(attachments)
    .innerJoin(messages, eq(messages.id, attachments.messageId))
    .where(and(
      eq(attachments.conversationId, conversationId),
      isNull(messages.deletedAt),
      kind === 'image' ? image : kind === 'file' ? not(image) : undefined,
      before ? lt(attachments.createdAt, before) : undefined
    ))
    .orderBy(desc(attachments.createdAt), desc(attachments.id))
    .limit(limit + 1)
  return {
    attachments: rows.slice(0, limit).map(r => ({
      ...toAttachment(r.a), messageId: r.a.messageId!, messageSeq: r.messageSeq, senderId: r.senderId, createdAt: r.a.createdAt.toISOString()
    })),
    hasMore: rows.length > limit
  }
}
