/**
 * Tabs of one browser share the outbox in IndexedDB; a note on this channel tells the others that
 * it changed, so a message queued offline in one tab shows in the rest at once, not at the next flush.
 */
export const OUTBOX_CHANNEL = 'chat-outbox'

/** kept: a send was written (or rewritten) on the device; discarded: the member threw it away. */
export type OutboxNote
  = | { kind: 'kept', userId: string, clientId: string, conversationId: string }
    | { kind: 'discarded', userId: string, clientId: string, conversationId: string, threadRootId: string | null }

/** Whether a message from the channel is a note of this app (another version of the app may post other shapes). */
export function isOutboxNote(value: unknown): value is OutboxNote {
  if (typeof value !== 'object' || value === null) return false
  const note = value as Record<string, unknown>
  const strings = ['userId', 'clientId', 'conversationId'].every(k => typeof note[k] === 'string')
  if (note.kind === 'kept') return strings
  return note.kind === 'discarded' && strings && (note.threadRootId === null || typeof note.threadRootId === 'string')
}

/** The channel, where the browser has one (null during server rendering and in old browsers). */
export function openOutboxChannel(): BroadcastChannel | null {
  return typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(OUTBOX_CHANNEL)
}
