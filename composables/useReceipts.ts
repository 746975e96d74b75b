import type { ReceiptsResponse } from '#shared/receipt-schemas'
import { dmTicks, seenByLatest } from '~/utils/chat/receipts'
import type { SeenBy, TickState } from '~/utils/chat/receipts'

/** Conversations that show receipts: ticks in DMs, "Seen by" in groups. */
const SHOWN_IN = new Set(['direct', 'group'])
const NO_TICKS: ReadonlyMap<string, TickState> = new Map()

/**
 * Reads conversations' receipts into the store: when one opens, and again after every reconnect
 * (events missed while offline). A member who turned receipts off reads none: the server shares
 * none with them.
 */
export function useReceipts() {
  const api = useApi()
  const auth = useAuthStore()
  const store = useReceiptsStore()
  const sharing = computed(() => !!auth.user && auth.user.readReceipts !== false)

  async function load(conversationId: string) {
    if (!sharing.value) return
    const { receipts } = await api<ReceiptsResponse>(`/api/conversations/${conversationId}/receipts`)
    store.setReceipts(conversationId, receipts)
  }

  /** Every conversation read before: after a reconnect. */
  async function reloadAll() {
    await Promise.all(store.loadedIds.map(id => load(id).catch((error) => {
      // Gone or closed to the member now: its receipts go with it.
      store.forget(id)
      console.warn('[chat] reading receipts failed', error)
    })))
  }

  return { sharing, load, reloadAll }
}

/**
 * One conversation's receipts as its message list shows them, worked out once per list (rows get
 * them as props): the ticks of the member's own messages in a DM, "Seen by" under a group's latest.
 */
export function useConversationReceipts(conversationId: MaybeRefOrGetter<string>) {
  const auth = useAuthStore()
  const store = useReceiptsStore()
  const conversations = useConversationsStore()
  const messages = useMessagesStore()
  const { sharing, load } = useReceipts()

  const conversation = computed(() => conversations.conversations[toValue(conversationId)])
  const shown = computed(() => sharing.value && !!conversation.value && SHOWN_IN.has(conversation.value.type))
  const timeline = computed(() => messages.timelineOf(toValue(conversationId)).messages)
  const known = computed(() => sharing.value ? store.receipts[toValue(conversationId)] : undefined)

  watch([() => toValue(conversationId), shown], ([id, on]) => {
    if (on) load(id).catch(logFailure('reading receipts'))
  }, { immediate: true })

  const ticks = computed<ReadonlyMap<string, TickState>>(() => {
    const c = conversation.value
    if (c?.type !== 'direct') return NO_TICKS
    return dmTicks(timeline.value, auth.user?.id, c.peer ? known.value?.[c.peer.id] : undefined)
  })

  const names = computed<Record<string, string>>(() => Object.fromEntries(
    (conversations.participants[toValue(conversationId)] ?? []).map(p => [p.userId, p.userId === auth.user?.id ? 'You' : p.displayName])))
  const seenBy = computed<SeenBy | null>(() => shown.value && conversation.value?.type === 'group' ? seenByLatest(timeline.value, known.value, names.value) : null)

  return { ticks, seenBy }
}
