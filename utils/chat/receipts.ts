import type { ReceiptMarks } from '~/stores/receipts'
import type { ChatMessage } from '~/utils/chat/timeline'

/** What a DM's own message shows: one tick once stored, two once the peer's devices have it, two coloured once read. */
export type TickState = 'sent' | 'delivered' | 'read'

export interface SeenBy {
  messageId: string
  /** Names of those, besides the sender, who have read the message. */
  names: string[]
}

/** The tick of one own message, from the peer's markers (none known: only "sent"). */
export function tickOf(seq: number, peer: ReceiptMarks | undefined): TickState {
  if (peer && peer.readSeq >= seq) return 'read'
  if (peer && peer.deliveredSeq >= seq) return 'delivered'
  return 'sent'
}

/** Ticks of the member's own stored messages in a DM, by message id. */
export function dmTicks(messages: readonly ChatMessage[], myId: string | undefined, peer: ReceiptMarks | undefined): Map<string, TickState> {
  const ticks = new Map<string, TickState>()
  if (!myId) return ticks
  for (const m of messages) {
    if (m.senderId === myId && m.seq > 0 && m.status === 'sent' && m.type !== 'system' && !m.deletedAt) ticks.set(m.id, tickOf(m.seq, peer))
  }
  return ticks
}

/**
 * "Seen by" under a group's latest message (WhatsApp and Slack style): the participants other than
 * its sender whose read marker reached it. Null while nobody has.
 */
export function seenByLatest(messages: readonly ChatMessage[], receipts: Record<string, ReceiptMarks> | undefined, names: Record<string, string>): SeenBy | null {
  const latest = messages.findLast(m => m.seq > 0 && m.type !== 'system')
  if (!latest || !receipts) return null
  const seen = Object.entries(receipts)
    .filter(([userId, marks]) => userId !== latest.senderId && marks.readSeq >= latest.seq && names[userId] !== undefined)
    .map(([userId]) => names[userId]!)
    .sort((a, b) => a.localeCompare(b))
  return seen.length ? { messageId: latest.id, names: seen } : null
}
