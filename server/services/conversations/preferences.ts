import { and, eq } from 'drizzle-orm'
import type { UpdatePreferencesInput } from '#shared/preference-schemas'
import type { Conversation } from '#shared/types'
import { useDb } from '../../db/client'
import { conversationParticipants, conversations } from '../../db/schema'
import { publishToUser } from '../../infra/realtime'
import { requireParticipant } from '../access'
import { loadConversations } from './view'
import type { Actor } from '../../domain/actor'

/** Sets how the caller hears about a conversation (all, mentions, none) and mutes it for a while; their other devices follow. */
export async function updatePreferences(actor: Actor, conversationId: string, changes: UpdatePreferencesInput): Promise<Conversation> {
  const db = await useDb()
  await requireParticipant(db, actor, conversationId)
  await db.update(conversationParticipants).set({
    ...(changes.notificationLevel ? { notificationLevel: changes.notificationLevel } : {}),
    ...(changes.mutedUntil !== undefined ? { mutedUntil: changes.mutedUntil } : {})
  }).where(and(eq(conversationParticipants.conversationId, conversationId), eq(conversationParticipants.userId, actor.id)))
  const [view] = await loadConversations(db, actor.id, eq(conversations.id, conversationId))
  publishToUser(actor.id, 'conversation:updated', { conversation: view! })
  return view!
}
