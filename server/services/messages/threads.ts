import { and, asc, eq, gt } from 'drizzle-orm'
import type { ThreadQuery } from '#shared/thread-schemas'
import type { Message } from '#shared/types'
import { useDb } from '../../db/client'
import { readFor, ReplicaBehindError } from '../../db/read-routing'
import { messages } from '../../db/schema'
import { requireMessageAccess } from '../access'
import { loadMessage, loadMessages } from './view'
import type { Actor } from '../../domain/actor'

export interface ThreadPage { root: Message, replies: Message[], hasMore: boolean }

/**
 * A thread: its root and a page of replies after `afterSeq`, oldest first. Asked for a reply, it
 * answers with that reply's thread, so a link to any message of a thread opens the whole thread.
 */
export async function listThread(actor: Actor, messageId: string, { limit, afterSeq }: ThreadQuery): Promise<ThreadPage> {
  const { message } = await requireMessageAccess(await useDb(), actor, messageId)
  const rootId = message.threadRootId ?? message.id
  return readFor(actor.id, async (db) => {
    // The primary let the caller in on a message a lagging replica may not have yet.
    const root = await loadMessage(db, rootId)
    if (!root) throw new ReplicaBehindError()
    const page = await loadMessages(db, and(eq(messages.threadRootId, rootId), eq(messages.conversationId, root.conversationId), gt(messages.seq, afterSeq)),
      [asc(messages.seq)], limit + 1)
    return { root, replies: page.slice(0, limit), hasMore: page.length > limit }
  })
}
