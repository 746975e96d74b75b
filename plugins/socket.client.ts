import { io } from 'socket.io-client'
import type { ChatSocket } from '~/composables/useSocket'

/**
 * The one Socket.IO client. It lives here, not in a store, and connects only while signed in;
 * its listeners are registered once and hand every event to the chat store.
 */
export default defineNuxtPlugin({
  name: 'socket',
  setup(nuxtApp) {
    const auth = useAuthStore()
    const chat = useChatStore()

    const socket: ChatSocket = io({
      autoConnect: false,
      // A callback so every reconnect carries the current token.
      auth: cb => cb({ token: auth.token }),
      transports: ['websocket', 'polling']
    })
    nuxtApp.provide('socket', socket)

    const actions = useChatActions()
    const router = useRouter()
    let refreshing = false

    socket.on('connect', () => {
      refreshing = false
      chat.connected = true
      void actions.onConnected()
    })
    socket.on('disconnect', () => {
      chat.connected = false
    })
    // An expired token is refreshed once (Supabase mode); the token watcher below reconnects with
    // it. Only when that is impossible does the member have to sign in again.
    async function renewOrSignOut(reason: string) {
      const fresh = refreshing ? null : await refreshOnce()
      if (fresh && auth.user) auth.setSession(fresh, auth.user)
      else await actions.signOut(reason)
    }
    async function refreshOnce() {
      refreshing = true
      return useAuthBackend().refresh()
    }
    socket.on('connect_error', (error) => {
      if (error.message === 'UNAUTHENTICATED') void renewOrSignOut('Your session has ended. Please sign in again.')
    })
    socket.on('session:expired', () => {
      void renewOrSignOut('Your session has expired. Please sign in again.')
    })

    socket.on('message:new', ({ message }) => {
      // A jump past the next counter value means something was missed (e.g. while Redis was away):
      // sync from the cursor. Edits also take counter values, so at worst this syncs for nothing.
      const cursor = chat.cursors[message.conversationId]
      const gap = cursor !== undefined && message.seq > cursor + 1 && chat.history[message.conversationId]?.loaded
      chat.receiveNew(message, auth.user?.id)
      if (gap) void actions.syncAll([message.conversationId], { [message.conversationId]: cursor }).catch(() => {})
      chat.setTyping({ conversationId: message.conversationId, userId: message.senderId, displayName: message.sender.displayName, isTyping: false })
      if (!chat.conversations[message.conversationId] && chat.currentProjectId) {
        // A conversation we have not listed yet (a new DM or group): refresh the sidebar.
        void actions.loadConversations(chat.currentProjectId)
      }
    })
    socket.on('message:updated', ({ message }) => chat.upsertMessage(message))
    socket.on('message:deleted', payload => chat.applyDeleted(payload))
    socket.on('typing:update', (payload) => {
      if (payload.userId !== auth.user?.id) chat.setTyping(payload)
    })
    socket.on('unread:update', payload => chat.setUnread(payload))
    socket.on('presence:change', payload => chat.setPresence(payload))
    socket.on('conversation:updated', ({ conversation }) => chat.upsertConversation(conversation))
    socket.on('conversation:removed', ({ conversationId }) => {
      const open = router.currentRoute.value.params.id === conversationId
      chat.removeConversation(conversationId)
      if (open) {
        useToast().add({ title: 'You no longer have access to this conversation', color: 'warning', icon: 'i-lucide-lock' })
        void nuxtApp.runWithContext(() => navigateTo('/'))
      }
    })

    watch(() => auth.token, (token, previous) => {
      if (previous) socket.disconnect()
      if (token) socket.connect()
    }, { immediate: true })
  }
})

declare module '#app' {
  interface NuxtApp {
    $socket: ChatSocket
  }
}
