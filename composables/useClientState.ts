/** What this tab shows, as the server wants to know it (`client:state`). */
export interface ClientState {
  /** The page is visible and its window has focus: the member is looking at it. */
  visible: boolean
  /** The conversation on screen, or null on any other page. */
  conversationId: string | null
}

/**
 * Whether the member is looking at this tab, and at which conversation: document visibility,
 * window focus and the route. The socket plugin reports it to the server, which then holds back
 * notifications about a conversation the member already sees; the toasts follow the same rule.
 */
export function useClientState() {
  const visibility = useDocumentVisibility()
  const focused = useWindowFocus()
  // The router's current route, not useRoute(): the socket plugin calls this outside any page.
  const route = useRouter().currentRoute

  const conversationId = computed(() => {
    const { path, params } = route.value
    const id = params.id
    return path.startsWith('/c/') && typeof id === 'string' && id ? id : null
  })
  const visible = computed(() => visibility.value === 'visible' && focused.value)
  const state = computed<ClientState>(() => ({ visible: visible.value, conversationId: conversationId.value }))

  return { state, visible, conversationId, hidden: computed(() => visibility.value !== 'visible') }
}
