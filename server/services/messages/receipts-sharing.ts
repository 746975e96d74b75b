import { eq } from 'drizzle-orm'
import type { ReadUpdatePayload } from '#shared/events'
import type { DeliveredUpdatePayload } from '#shared/receipt-schemas'
import type { DbOrTx } from '../../db/client'
import { profiles } from '../../db/schema'
import { publishToConversationExcept, publishToUser, setUserInRoom } from '../../infra/realtime'

// The one owner of "who hears a receipt". A member who turned read receipts off (profiles.read_receipts)
// shares none and, as in Zulip, sees none: their sockets sit in one room that every receipt broadcast
// leaves out, so a mark stays a single emit to the conversation's room, whatever its size.

/** Every socket whose user turned read receipts off. */
export const RECEIPTS_OFF_ROOM = 'receipts:off'

/** Whether the user shares (and so sees) receipts. */
export async function sharesReceipts(db: DbOrTx, userId: string): Promise<boolean> {
  const [row] = await db.select({ readReceipts: profiles.readReceipts }).from(profiles).where(eq(profiles.id, userId))
  return row?.readReceipts !== false
}

/** The receipt rooms a connecting socket of this user joins. */
export async function receiptRoomsOf(db: DbOrTx, userId: string): Promise<string[]> {
  return await sharesReceipts(db, userId) ? [] : [RECEIPTS_OFF_ROOM]
}

/** The profile switch moved: the user's connected sockets, on every instance, start or stop hearing receipts. */
export function applyReceiptSharing(userId: string, sharing: boolean): void {
  setUserInRoom(userId, RECEIPTS_OFF_ROOM, !sharing)
}

/** A read marker moved: the conversation's sharers hear it; a reader who shares none only syncs their own devices. */
export function publishRead(receipt: ReadUpdatePayload, sharing: boolean): void {
  if (sharing) publishToConversationExcept(receipt.conversationId, RECEIPTS_OFF_ROOM, 'read:update', receipt)
  else publishToUser(receipt.userId, 'read:update', receipt)
}

/** A delivered marker moved: the DM's sharers hear it; nobody does when the member shares none. */
export function publishDelivered(receipt: DeliveredUpdatePayload, sharing: boolean): void {
  if (sharing) publishToConversationExcept(receipt.conversationId, RECEIPTS_OFF_ROOM, 'delivered:update', receipt)
}
