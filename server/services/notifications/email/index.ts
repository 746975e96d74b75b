import type { NotificationPayload } from '#shared/events'
import { useDb } from '../../../db/client'
import { pendingEmailNotifications } from '../../../db/schema'
import { logger } from '../../../infra/logger'
import { scheduleMissedActivity } from './queue'

/**
 * Remembers that `userId` was told of a message, so a missed-activity email can follow if it is still
 * unread after EMAIL_NOTIFY_DELAY_SECONDS. Never throws.
 */
export async function noteMissedActivity(userId: string, payload: NotificationPayload): Promise<void> {
  try {
    const db = await useDb()
    await db.insert(pendingEmailNotifications)
      .values({ userId, messageId: payload.messageId, conversationId: payload.conversationId, kind: payload.kind })
      .onConflictDoNothing()
    await scheduleMissedActivity(userId)
  } catch (err) {
    logger.warn({ err, userId, messageId: payload.messageId }, 'could not note a notification for a missed-activity email')
  }
}
