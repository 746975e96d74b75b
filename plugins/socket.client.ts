import { io } from 'socket.io-client'
import type { ChatSocket } from '~/composables/useSocket'
import { SOCKET_PING_INTERVAL_MS } from '#shared/limits'
import { heartbeatDeadlineMs } from '~/utils/offline/connection-state'
import { rememberUser } from '~/utils/offline/offline-db'
import { afterNextPaint } from '~/utils/boot/after-next-paint'

const SESSION_ENDED = 'Your session has ended. Please sign in again.'

/**
 * The one Socket.IO client. It lives here, not in a store, and connects only while signed in.
 * Its listeners are registered once and hand each event to a store action; the few that need the
 * server again (catch-up after connect, a gap, an unknown conversation) call a composable then.
 */
export default defineNuxtPlugin({
  name: 'socket',
  dependsOn: ['auth-backend'],
  setup(nuxtApp) {
    const auth = useAuthStore()
    const conversations = useConversationsStore()
    const messages = useMessagesStore()
    const presence = usePresenceStore()
    const typing = useTypingStore()
    const drafts = useDraftsStore()
    const scheduled = useScheduledStore()
    const threadInbox = useThreadInboxStore()
    const receipts = useReceiptsStore()
    const router = useRouter()
    const connection = useConnectionStore()
    const offlineCache = useOfflineCache()

    const socket: ChatSocket = io({
      autoConnect: false,
      // A callback so every reconnect carries a current token, renewed first when it is about to expire.
      auth: (cb) => {
        void freshAccessToken().then(token => cb({ token }))
      },
      transports: ['websocket', 'polling']
    })

    /**
     * The composables the listeners call, made once inside the app's context: made in a listener
     * (or after an await) each `inject()` under them warned, dozens of times a session.
     * Made on first use, when `$socket`, which they reach, is provided.
     */
    let made: ReturnType<typeof makeEffects> | undefined
    const makeEffects = () => nuxtApp.vueApp.runWithContext(() => ({
      presence: usePresence(),
      autoAway: useAutoAway(),
      sync: useSync(),
      sidebar: useConversations(),
      outbox: useOutbox(),
      moderation: useModeration(),
      invitations: useInvitations(),
      session: useSession(),
      toast: useToast(),
      notifications: useNotifications(),
      receiptLoader: useReceipts(),
      deliveries: useDeliveryMarks()
    }))
    const effects = () => (made ??= makeEffects())

    // A burst of messages in conversations not listed here reads the projects' totals once.
    const refreshProjectTotals = useDebounceFn(() => {
      effects().sidebar.loadProjects().catch(logFailure('reading project totals'))
    }, 1_000)

    // Added to a project: list it, and open it when no project was open yet (a member's first project).
    const learnProjects = useDebounceFn(async () => {
      const { sidebar } = effects()
      try {
        await sidebar.loadProjects()
        const first = conversations.projects[0]
        if (!conversations.currentProjectId && first) await sidebar.selectProject(first.id)
      } catch (error) {
        logFailure('reading projects')(error)
      }
    }, 300)

    // What this tab shows: the server holds back notifications about a conversation the member sees.
    const clientState = useClientState()
    const reportState = () => socket.emit('client:state', clientState.state.value)
    watch(clientState.state, (next, previous) => {
      if (socket.connected && (next.visible !== previous?.visible || next.conversationId !== previous?.conversationId)) reportState()
    })

    /** Every (re)connect: restore the chosen status, catch up, refresh unread counts, then send what waited. */
    async function onConnected() {
      const { presence, sync, sidebar, outbox, moderation, invitations, receiptLoader, deliveries } = effects()
      reportState()
      presence.announce()
      try {
        // Opened from the device's cache without a network: read the sidebar and the open conversation for real now.
        if (conversations.bootstrap !== 'ready') await sidebar.bootstrap()
        if (connection.fromCache) {
          const openId = router.currentRoute.value.params.id
          if (typeof openId === 'string') await sidebar.open(openId)
          connection.setFromCache(false)
        }
        await sync.syncAll()
        if (conversations.currentProjectId) await sidebar.loadConversations(conversations.currentProjectId)
      } catch (error) {
        console.warn('[chat] sync after connect failed', error)
      }
      outbox.flush()
      deliveries.flush()
      receiptLoader.reloadAll().catch(logFailure('reading receipts'))
      moderation.load().catch(logFailure('reading sanctions'))
      invitations.load().catch(logFailure('reading invitations'))
    }

    // Set once a renewal was tried since the last good connect: a second refusal means sign in again.
    let renewed = false
    let renewing: Promise<void> | null = null
    // The server drops a socket when its token expires or its session ends (sign-out elsewhere, ban).
    // Renew the session once and reconnect; when it cannot be renewed, the member signs in again.
    function renewOrSignOut() {
      renewing ??= (async () => {
        const fresh = renewed ? null : await renewSession()
        renewed = true
        if (fresh) socket.connect()
        else if (auth.signedIn) await effects().session.signOut(SESSION_ENDED)
      })().finally(() => { renewing = null })
      return renewing
    }

    socket.on('connect', () => {
      renewed = false
      presence.setConnected(true)
      connection.setSocketConnected(true)
      void onConnected()
    })
    socket.on('disconnect', (reason) => {
      presence.setConnected(false)
      connection.setSocketConnected(false)
      if (reason === 'io server disconnect' && auth.signedIn) void renewOrSignOut()
    })
    // A refusal by the server's connect middleware ends Socket.IO's own reconnecting; a refusal that
    // says "try again" (the database briefly down) must not leave the member offline for good.
    let retryTimer: ReturnType<typeof setTimeout> | undefined
    socket.on('connect_error', (error) => {
      if (error.message === 'UNAUTHENTICATED') void renewOrSignOut()
      else if ((error.message === 'UNAVAILABLE' || error.message === 'INTERNAL') && !socket.active) {
        const details = (error as Error & { data?: { details?: { retryAfterMs?: unknown } } }).data?.details
        const wait = typeof details?.retryAfterMs === 'number' ? details.retryAfterMs : 1000
        clearTimeout(retryTimer)
        retryTimer = setTimeout(() => {
          if (auth.signedIn && !socket.connected) socket.connect()
        }, Math.max(250, wait) * (1 + Math.random() * 0.3))
      }
    })

    // Noticing the network within seconds: the browser's online/offline events at once, and a
    // heartbeat on the server's pings for a link that dies silently (Wi-Fi without internet, a
    // sleeping laptop): silence past the ping interval drops the link, and Socket.IO reconnects.
    window.addEventListener('offline', () => {
      connection.setBrowserOnline(false)
      if (socket.connected) socket.io.engine?.close()
    })
    window.addEventListener('online', () => {
      connection.setBrowserOnline(true)
      // Reconnect now rather than at the next backoff step (disconnect() resets the backoff).
      if (auth.signedIn && !socket.connected) {
        socket.disconnect()
        socket.connect()
      }
    })
    let lastHeard = Date.now()
    socket.io.on('open', () => {
      lastHeard = Date.now()
      socket.io.engine.on('packet', () => { lastHeard = Date.now() })
    })
    setInterval(() => {
      if (socket.connected && Date.now() - lastHeard > heartbeatDeadlineMs(SOCKET_PING_INTERVAL_MS)) socket.io.engine?.close()
    }, 1000)

    // Thread replies go through the same path: the store routes them to their thread (stores/threads.ts).
    socket.on('message:new', ({ message }) => {
      const gapFrom = messages.receiveNew(message, auth.user?.id)
      if (gapFrom !== null) {
        effects().sync.syncAll([message.conversationId], { [message.conversationId]: gapFrom }).catch(logFailure('filling a gap'))
      }
      typing.setTyping({ conversationId: message.conversationId, userId: message.senderId, displayName: message.sender.displayName, isTyping: false })
      threadInbox.receiveReply(message, auth.user?.id)
      if (!conversations.conversations[message.conversationId] && conversations.currentProjectId) {
        // A conversation we have not listed yet (a new DM or group, or one in another project):
        // refresh the sidebar, and the other projects' totals in the switcher.
        effects().sidebar.loadConversations(conversations.currentProjectId).catch(logFailure('reloading the sidebar'))
        if (message.senderId !== auth.user?.id) refreshProjectTotals()
      }
    })
    socket.on('message:updated', ({ message }) => messages.upsert(message))
    socket.on('message:deleted', payload => messages.applyDeleted(payload))
    socket.on('typing:update', (payload) => {
      if (payload.userId !== auth.user?.id) typing.setTyping(payload)
    })
    socket.on('unread:update', (payload) => {
      conversations.setUnread(payload)
      // A conversation of a project whose sidebar is not held here: its project's total moved.
      if (!conversations.conversations[payload.conversationId]) refreshProjectTotals()
    })
    socket.on('project:unread', payload => conversations.setProjectUnread(payload))
    socket.on('thread:unread', payload => threadInbox.setUnread(payload))
    socket.on('read:update', payload => receipts.applyRead(payload))
    socket.on('delivered:update', payload => receipts.applyDelivered(payload))
    socket.on('presence:change', payload => presence.setPresence(payload))
    socket.on('project:updated', ({ project }) => {
      conversations.upsertProject(project)
      // A member's first project opens by itself, as after signing in.
      if (!conversations.currentProjectId) learnProjects()
    })
    socket.on('conversation:updated', ({ conversation }) => {
      const known = !!conversations.conversations[conversation.id]
      conversations.upsertConversation(conversation)
      // Added to a project (its conversations are announced to the newcomer): the switcher lists it at once.
      if (!conversations.projects.some(p => p.id === conversation.projectId)) learnProjects()
      // A conversation we had not listed (a new DM or group someone started with us): read the sidebar again.
      if (!known && conversation.projectId === conversations.currentProjectId) {
        effects().sidebar.loadConversations(conversation.projectId).catch(logFailure('reloading the sidebar'))
      }
    })
    socket.on('notification', payload => effects().notifications.receive(payload))
    socket.on('user:updated', ({ user }) => {
      conversations.applyUser(user)
      messages.applySender(user)
    })
    socket.on('draft:updated', ({ conversationId, draft }) => {
      drafts.applyRemote(conversationId, draft?.content ?? '')
    })
    socket.on('scheduled:updated', ({ scheduled: item }) => scheduled.upsert(item))
    socket.on('moderation:notice', ({ notice }) => effects().moderation.receive(notice))
    socket.on('invitation:new', ({ invitation }) => effects().invitations.receive(invitation, true))
    socket.on('invitation:updated', ({ invitation }) => effects().invitations.receive(invitation))
    socket.on('conversation:removed', ({ conversationId }) => {
      const open = router.currentRoute.value.params.id === conversationId
      conversations.removeConversation(conversationId)
      if (open) {
        effects().toast.add({ title: 'You no longer have access to this conversation', color: 'warning', icon: 'i-lucide-lock' })
        void nuxtApp.runWithContext(() => navigateTo('/'))
      }
    })

    // Reconnect when the member changes; a renewed token for the same member is picked up by the
    // auth callback on the next (re)connect. A page opened signed in connects once its first screen
    // has painted: the handshake and the catch-up after it (fetches, store updates, re-renders)
    // otherwise ran before that paint. What is sent meanwhile waits in the outbox.
    watch(() => auth.signedIn ? auth.user?.id : null, (id, previous) => {
      if (previous) socket.disconnect()
      if (!id) return
      if (previous === undefined) afterNextPaint(() => { if (auth.user?.id === id && !socket.connected) socket.connect() })
      else socket.connect()
    }, { immediate: true })

    // The device keeps what the member last saw (sidebar, the open conversation's newest page) for
    // opening without a network, and shows their unsent messages again after a reload.
    watch(() => [conversations.bootstrap, conversations.projects, conversations.channels, conversations.directMessages], useDebounceFn(() => {
      offlineCache.saveSidebar().catch(logFailure('keeping the sidebar on this device'))
    }, 2000))
    const openConversationId = computed(() => {
      const id = router.currentRoute.value.params.id
      return typeof id === 'string' ? id : null
    })
    watch(() => openConversationId.value ? messages.timelines[openConversationId.value]?.messages : undefined, useDebounceFn(() => {
      if (openConversationId.value) offlineCache.savePage(openConversationId.value).catch(logFailure('keeping the page on this device'))
    }, 2000))
    nuxtApp.hook('app:mounted', () => {
      // A message queued in another tab of this browser shows here at once.
      effects().outbox.listenToOtherTabs()
      // What the device kept (unsent messages, the member) is read and written once the first screen has painted.
      afterNextPaint(() => watch(() => auth.signedIn ? auth.user?.id : null, (id) => {
        if (!id) return
        void effects().outbox.restore()
        if (auth.token && auth.user) rememberUser(auth.user).catch(logFailure('remembering the member on this device'))
      }, { immediate: true }))
    })

    return { provide: { socket } }
  }
})
