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
      // A callback so every reconnect carries a current token, renewed first when it is about to expire.
      auth: (cb) => {
        void freshAccessToken().then(token => cb({ token }))
      },
      transports: ['websocket', 'polling']
    })
    nuxtApp.provide('socket', socket)

    const actions = useChatActions()
    const router = useRouter()
    // Set once a renewal was tried since the last good connect: a second refusal means sign in again.
    let renewed = false
    let renewing: Promise<void> | null = null

    socket.on('connect', () => {
      renewed = false
      chat.connected = true
      void actions.onConnected()
    })
    // The server drops a socket when its token expires or its session ends (sign-out elsewhere, ban).
    // Renew the session once and reconnect; when it cannot be renewed, the member signs in again.
    function renewOrSignOut(reason: string) {
      renewing ??= (async () => {
        const fresh = renewed ? null : await renewSession()
        renewed = true
        if (fresh) socket.connect()
        else if (auth.signedIn) await actions.signOut(reason)
      })().finally(() => { renewing = null })
      return renewing
    }
    socket.on('disconnect', (reason) => {
      chat.connected = false
      if (reason === 'io server disconnect' && auth.signedIn) void renewOrSignOut('Your session has ended. Please sign in again.')
    })
    socket.on('connect_error', (error) => {
      if (error.message === 'UNAUTHENTICATED') void renewOrSignOut('Your session has ended. Please sign in again.')
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

    // Reconnect when the member changes; a renewed token for the same member is picked up by the
    // auth callback on the next (re)connect.
    watch(() => auth.signedIn ? auth.user?.id : null, (id, previous) => {
      if (previous) socket.disconnect()
      if (id) socket.connect()
    }, { immediate: true })
  }
})

declare module '#app' {
  interface NuxtApp {
    $socket: ChatSocket
  }
}
