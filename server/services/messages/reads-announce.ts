import type { DbOrTx } from '../../db/client'
import { publishToUser } from '../../infra/realtime'
import { countsOfUser, projectTotalsFor } from './reads-counts'

/**
 * Tells the user's devices their counts after they read: each conversation's (`unread:update`) and the
 * project's totals (`project:unread`). Two queries, whatever the number of conversations.
 */
export async function announceUnread(db: DbOrTx, userId: string, projectId: string, conversationIds: readonly string[]): Promise<void> {
  const [counts, totals] = await Promise.all([countsOfUser(db, userId, conversationIds), projectTotalsFor(db, [userId], [projectId])])
  for (const row of counts) {
    publishToUser(userId, 'unread:update', { conversationId: row.conversationId, unreadCount: row.unreadCount, mentionCount: row.mentionCount })
  }
  const total = totals[0]
  publishToUser(userId, 'project:unread', { projectId, unreadCount: total?.unreadCount ?? 0, mentionCount: total?.mentionCount ?? 0 })
}
