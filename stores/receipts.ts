import type { ReadUpdatePayload } from '#shared/events'
import type { DeliveredUpdatePayload, Receipt } from '#shared/receipt-schemas'

/** One participant's receipts as this tab knows them. */
export interface ReceiptMarks { deliveredSeq: number, readSeq: number, readAt: string | null }

/** Per conversation, each participant's delivered and read markers (`GET …/receipts`, `read:update`, `delivered:update`). */
export const useReceiptsStore = defineStore('receipts', () => {
  const receipts = ref<Record<string, Record<string, ReceiptMarks>>>({})
  /** The DM seq this tab last sent with delivered:mark, per conversation. */
  const deliveredSent = ref<Record<string, number>>({})

  function reset() {
    receipts.value = {}
    deliveredSent.value = {}
  }

  /** Conversations whose receipts were read from the server: they are read again after a reconnect. */
  const loadedIds = computed(() => Object.keys(receipts.value))

  /** The server's list replaces the known one; an event that came while it was read is kept (markers never move back). */
  function setReceipts(conversationId: string, list: Receipt[]) {
    const known = receipts.value[conversationId] ?? {}
    receipts.value[conversationId] = Object.fromEntries(list.map((r) => {
      const before = known[r.userId]
      const newer = !!before && before.readSeq > r.readSeq
      return [r.userId, {
        deliveredSeq: Math.max(r.deliveredSeq, before?.deliveredSeq ?? 0),
        readSeq: newer ? before.readSeq : r.readSeq,
        readAt: newer ? before.readAt : r.readAt
      }]
    }))
  }

  function forget(conversationId: string) {
    const { [conversationId]: _gone, ...rest } = receipts.value
    receipts.value = rest
  }

  function marksOf(conversationId: string, userId: string): ReceiptMarks {
    return receipts.value[conversationId]?.[userId] ?? { deliveredSeq: 0, readSeq: 0, readAt: null }
  }

  /**
   * Markers only move forward: a late event cannot take a receipt back. Events of conversations not
   * read from the server are left for the read that opening them does.
   */
  function applyRead({ conversationId, userId, seq }: ReadUpdatePayload, at = new Date().toISOString()) {
    if (!receipts.value[conversationId]) return
    const before = marksOf(conversationId, userId)
    if (seq <= before.readSeq) return
    receipts.value[conversationId] = { ...receipts.value[conversationId], [userId]: { deliveredSeq: Math.max(before.deliveredSeq, seq), readSeq: seq, readAt: at } }
  }

  function applyDelivered({ conversationId, userId, seq }: DeliveredUpdatePayload) {
    if (!receipts.value[conversationId]) return
    const before = marksOf(conversationId, userId)
    if (seq <= before.deliveredSeq) return
    receipts.value[conversationId] = { ...receipts.value[conversationId], [userId]: { ...before, deliveredSeq: seq } }
  }

  function noteDeliveredSent(conversationId: string, seq: number) {
    deliveredSent.value[conversationId] = Math.max(deliveredSent.value[conversationId] ?? 0, seq)
  }

  return { receipts, deliveredSent, loadedIds, reset, setReceipts, forget, marksOf, applyRead, applyDelivered, noteDeliveredSent }
})
