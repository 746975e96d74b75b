import { and, eq } from 'drizzle-orm'
import type { Draft, SaveDraftInput } from '#shared/draft-schemas'
import { useDb } from '../../db/client'
import { drafts } from '../../db/schema'
import { publishToUser } from '../../infra/realtime'
import { requireParticipant } from '../access'
import type { Actor } from '../../domain/actor'

const toDraft = (row: { content: string, updatedAt: Date }): Draft => ({ content: row.content, updatedAt: row.updatedAt.toISOString() })

/** The caller's draft in a conversation, or null. */
export async function getDraft(actor: Actor, conversationId: string): Promise<Draft | null> {
  const db = await useDb()
  await requireParticipant(db, actor, conversationId)
  const [row] = await db.select().from(drafts).where(and(eq(drafts.userId, actor.id), eq(drafts.conversationId, conversationId)))
  return row ? toDraft(row) : null
}

/**
 * Keeps (or, for blank text, removes) the caller's draft and tells their other devices, so a
 * message started on the laptop can be finished on the phone.
 */
export async function saveDraft(actor: Actor, conversationId: string, { content }: SaveDraftInput): Promise<Draft | null> {
  const db = await useDb()
  await requireParticipant(db, actor, conversationId)
  const mine = and(eq(drafts.userId, actor.id), eq(drafts.conversationId, conversationId))
  let draft: Draft | null = null
  if (content.trim() === '') {
    await db.delete(drafts).where(mine)
  } else {
    const now = new Date()
    const [row] = await db.insert(drafts).values({ userId: actor.id, conversationId, content, updatedAt: now })
      .onConflictDoUpdate({ target: [drafts.userId, drafts.conversationId], set: { content, updatedAt: now } })
      .returning()
    draft = toDraft(row!)
  }
  publishToUser(actor.id, 'draft:updated', { conversationId, draft })
  return draft
}
