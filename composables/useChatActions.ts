import type { Ack, ErrorBody } from '#shared/errors'
import type { SyncResult } from '#shared/events'
import type { Attachment, Conversation, Message, Participant, Project, ProjectMember, User } from '#shared/types'
import { DEFAULT_MAX_MESSAGE_LENGTH, HISTORY_PAGE_DEFAULT, HISTORY_PAGE_MAX, SYNC_REQUEST_MAX_CONVERSATIONS } from '#shared/limits'
import type { ChatMessage, ChosenPresence } from '~/stores/chat'

const ACK_TIMEOUT_MS = 10_000
const TYPING_THROTTLE_MS = 3000

// Shared by every caller: a send must not go out twice at once, and typing is per tab.
const inFlight = new Set<string>()
const typingSentAt = new Map<string, number>()
const readMarked = new Map<string, number>()
let bootstrapping: Promise<void> | null = null
let syncing: Promise<void> | null = null

/** Human text for an ack or API error. */
export function describeError(error: Pick<ErrorBody, 'code' | 'message' | 'details'>): string {
  switch (error.code) {
    case 'RATE_LIMITED':
    case 'SLOW_MODE': {
      const ms = Number(error.details?.retryAfterMs ?? 0)
      return ms ? `${error.code === 'SLOW_MODE' ? 'Slow mode' : 'Too many messages'} — try again in ${Math.ceil(ms / 1000)}s` : error.message
    }
    case 'CONVERSATION_LOCKED': return 'This conversation is locked'
    case 'MUTED': return 'You are muted'
    case 'CONTENT_BLOCKED': return 'Message blocked by the content filter'
    default: return error.message
  }
}

/** Chat operations over REST and the socket; components and the socket plugin share them. */
export function useChatActions() {
  const chat = useChatStore()
  const auth = useAuthStore()
  const api = useApi()
  const socket = useSocket()
  const toast = useToast()
  const nuxtApp = useNuxtApp()

  async function loadConversations(projectId: string) {
    const { conversations } = await api<{ conversations: Conversation[] }>(`/api/projects/${projectId}/conversations`)
    chat.setConversations(projectId, conversations)
  }

  async function loadMembers(projectId: string) {
    const { members } = await api<{ members: ProjectMember[] }>(`/api/projects/${projectId}/members`)
    chat.setMembers(projectId, members)
    // A snapshot of who is online now; presence:change events take over from here.
    const now = new Date().toISOString()
    for (const m of members) chat.setPresence({ userId: m.userId, status: m.presence, lastSeenAt: now })
  }

  async function selectProject(projectId: string) {
    chat.currentProjectId = projectId
    localStorage.setItem('chat.project', projectId)
    await Promise.all([loadConversations(projectId), loadMembers(projectId)])
  }

  /** Projects and the current project's sidebar, once per session. */
  function bootstrap(): Promise<void> {
    bootstrapping ??= (async () => {
      const { projects } = await api<{ projects: Project[] }>('/api/projects')
      chat.setProjects(projects)
      const remembered = localStorage.getItem('chat.project')
      const project = projects.find(p => p.id === remembered) ?? projects[0]
      if (project) await selectProject(project.id)
    })().catch((error: unknown) => {
      bootstrapping = null
      throw error
    })
    return bootstrapping
  }

  async function syncConversation(conversationId: string) {
    await syncAll([conversationId])
  }

  /** Opens a conversation: its details, its project, and its newest page of history. */
  async function openConversation(conversationId: string) {
    await bootstrap()
    const { conversation, participants } = await api<{ conversation: Conversation, participants: Participant[] }>(`/api/conversations/${conversationId}`)
    chat.upsertConversation(conversation)
    chat.setParticipants(conversationId, participants)
    if (conversation.projectId !== chat.currentProjectId) await selectProject(conversation.projectId)
    if (!chat.history[conversationId]?.loaded) {
      const page = await api<{ messages: Message[], hasMore: boolean }>(`/api/conversations/${conversationId}/messages`, { query: { limit: HISTORY_PAGE_DEFAULT } })
      chat.setHistory(conversationId, page.messages, page.hasMore)
      // Closes the window between the REST read and the socket joining the room.
      if (socket.connected) void syncConversation(conversationId)
    }
  }

  async function loadOlder(conversationId: string) {
    const state = chat.history[conversationId]
    const first = chat.messages[conversationId]?.find(m => m.seq > 0)
    if (!state?.hasMoreBefore || state.loadingOlder || !first) return
    chat.setLoadingOlder(conversationId, true)
    try {
      const page = await api<{ messages: Message[], hasMore: boolean }>(`/api/conversations/${conversationId}/messages`, { query: { limit: HISTORY_PAGE_DEFAULT, beforeSeq: first.seq } })
      chat.prependHistory(conversationId, page.messages, page.hasMore)
    } finally {
      chat.setLoadingOlder(conversationId, false)
    }
  }

  /**
   * Makes sure the message with this seq is in the loaded window. Pages backwards so the window
   * stays contiguous with the live end (sync and live delivery assume no holes).
   */
  async function loadUntil(conversationId: string, seq: number) {
    for (;;) {
      const state = chat.history[conversationId]
      const first = chat.messages[conversationId]?.find(m => m.seq > 0)
      if (!state?.loaded || !first || first.seq <= seq || !state.hasMoreBefore) return
      if (state.loadingOlder) {
        await new Promise(resolve => setTimeout(resolve, 50))
        continue
      }
      chat.setLoadingOlder(conversationId, true)
      try {
        const page = await api<{ messages: Message[], hasMore: boolean }>(`/api/conversations/${conversationId}/messages`, { query: { limit: HISTORY_PAGE_MAX, beforeSeq: first.seq } })
        chat.prependHistory(conversationId, page.messages, page.hasMore)
        if (!page.messages.length) return
      } finally {
        chat.setLoadingOlder(conversationId, false)
      }
    }
  }

  /** Syncs loaded conversations from their cursors, or from `from` when a gap was seen below the cursor. */
  function syncAll(only?: string[], from?: Record<string, number>): Promise<void> {
    const run = async () => {
      let batch = (only ?? Object.keys(chat.history).filter(id => chat.history[id]?.loaded))
        .map(conversationId => ({ conversationId, afterSeq: from?.[conversationId] ?? chat.cursors[conversationId] ?? 0 }))
      while (batch.length && socket.connected) {
        // The server takes a bounded number of conversations per request: the rest waits for the next round.
        const chunk = batch.slice(0, SYNC_REQUEST_MAX_CONVERSATIONS)
        const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('sync:request', { conversations: chunk }) as Ack<{ results: SyncResult[] }>
        if (!ack.ok && ack.error.code === 'RATE_LIMITED') {
          await new Promise(resolve => setTimeout(resolve, Number(ack.error.details?.retryAfterMs) || 1000))
          continue
        }
        if (!ack.ok) throw new Error(ack.error.message)
        const next: typeof batch = batch.slice(SYNC_REQUEST_MAX_CONVERSATIONS)
        for (const result of ack.results) {
          chat.applySync(result)
          // lastSeq of a partial page is its last updatedSeq: the next page starts exactly there.
          if (result.hasMore) next.push({ conversationId: result.conversationId, afterSeq: result.lastSeq })
        }
        batch = next
      }
    }
    // A full sync waits behind a running one instead of asking for the same pages twice.
    const task = (syncing ?? Promise.resolve()).then(run, run)
    syncing = task.finally(() => {
      if (syncing === task) syncing = null
    })
    return task
  }

  async function deliver(message: ChatMessage) {
    if (!socket.connected || inFlight.has(message.clientId)) return
    inFlight.add(message.clientId)
    try {
      const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('message:send', {
        clientId: message.clientId,
        conversationId: message.conversationId,
        content: message.content,
        ...(message.attachments.length ? { attachmentIds: message.attachments.map(a => a.id) } : {})
      }) as Ack<{ message: Message, duplicate: boolean }>
      if (ack.ok) {
        chat.upsertMessage(ack.message)
      } else {
        chat.setLocalStatus(message.clientId, 'failed', describeError(ack.error))
        if (ack.error.code === 'RATE_LIMITED' || ack.error.code === 'SLOW_MODE') {
          // One toast for a burst of refused sends, not one per message.
          if (!toast.toasts.value.some(t => t.id === 'send-throttled')) {
            toast.add({ id: 'send-throttled', title: describeError(ack.error), color: 'warning', icon: 'i-lucide-timer' })
          }
        }
      }
    } catch {
      // Lost connection: stay pending, the reconnect flush re-sends with the same clientId.
      if (socket.connected) chat.setLocalStatus(message.clientId, 'failed', 'No reply from the server')
    } finally {
      inFlight.delete(message.clientId)
    }
  }

  /** Sends text and uploaded files; files alone go out with their names as the (required) text. */
  function send(conversationId: string, content: string, attachments: Attachment[] = []) {
    if (!auth.user) return
    const text = content || attachments.map(a => a.fileName).join(', ').slice(0, DEFAULT_MAX_MESSAGE_LENGTH)
    if (!text) return
    const message = chat.addPending(conversationId, text, auth.user, attachments)
    void deliver(message)
  }

  /** Chooses online / away / do not disturb; remembered and re-announced on every reconnect. */
  async function setPresence(status: ChosenPresence) {
    chat.setMyPresence(status)
    if (!socket.connected) return
    try {
      const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('presence:update', { status }) as Ack
      if (!ack.ok) toast.add({ title: 'Could not change your status', description: describeError(ack.error), color: 'error' })
    } catch {
      toast.add({ title: 'Could not change your status', description: 'No reply from the server', color: 'error' })
    }
  }

  function retry(clientId: string) {
    const message = chat.findLocal(clientId)
    if (!message) return
    chat.setLocalStatus(clientId, 'pending')
    void deliver(message)
  }

  function flushPending() {
    for (const message of chat.pendingMessages) void deliver(message)
  }

  async function edit(messageId: string, content: string): Promise<boolean> {
    try {
      const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('message:edit', { messageId, content }) as Ack<{ message: Message }>
      if (ack.ok) {
        chat.upsertMessage(ack.message)
        return true
      }
      toast.add({ title: 'Could not edit the message', description: describeError(ack.error), color: 'error' })
    } catch {
      toast.add({ title: 'Could not edit the message', description: 'No reply from the server', color: 'error' })
    }
    return false
  }

  async function remove(messageId: string) {
    try {
      const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('message:delete', { messageId }) as Ack
      if (!ack.ok) toast.add({ title: 'Could not delete the message', description: describeError(ack.error), color: 'error' })
    } catch {
      toast.add({ title: 'Could not delete the message', description: 'No reply from the server', color: 'error' })
    }
  }

  function markRead(conversationId: string) {
    const last = chat.messages[conversationId]?.findLast(m => m.seq > 0)
    const conversation = chat.conversations[conversationId]
    if (!last || !socket.connected) return
    if (last.seq <= (readMarked.get(conversationId) ?? 0) && !conversation?.unreadCount) return
    readMarked.set(conversationId, last.seq)
    chat.clearUnread(conversationId)
    socket.emit('read:mark', { conversationId, seq: last.seq })
  }

  function startTyping(conversationId: string) {
    const now = Date.now()
    if (now - (typingSentAt.get(conversationId) ?? 0) < TYPING_THROTTLE_MS || !socket.connected) return
    typingSentAt.set(conversationId, now)
    socket.emit('typing:start', { conversationId })
  }

  function stopTyping(conversationId: string) {
    if (!typingSentAt.has(conversationId)) return
    typingSentAt.delete(conversationId)
    if (socket.connected) socket.emit('typing:stop', { conversationId })
  }

  async function createConversation(projectId: string, title: string, participantIds: string[], type: 'group' | 'project' = 'group') {
    const { conversation } = await api<{ conversation: Conversation }>(`/api/projects/${projectId}/conversations`, {
      method: 'POST', body: { title, type, participantIds }
    })
    chat.upsertConversation(conversation)
    return conversation
  }

  async function startDm(userId: string) {
    const { conversation } = await api<{ conversation: Conversation }>('/api/dm', { method: 'POST', body: { userId } })
    chat.upsertConversation(conversation)
    return conversation
  }

  /** Runs on every (re)connect: catch up, refresh unread counts, then send what waited offline. */
  async function onConnected() {
    // The server starts every first connection as online; restore a chosen away / dnd.
    if (chat.myPresence !== 'online') socket.emit('presence:update', { status: chat.myPresence })
    try {
      await syncAll()
      if (chat.currentProjectId) await loadConversations(chat.currentProjectId)
    } catch (error) {
      console.warn('[chat] sync after connect failed', error)
    }
    flushPending()
  }

  async function signIn(accessToken: string, user: User) {
    chat.reset()
    bootstrapping = null
    readMarked.clear()
    auth.setSession(accessToken, user)
  }

  async function signOut(reason?: string) {
    // Forget the session here first, so the server dropping this tab's socket is not taken for a lost session.
    auth.signOut()
    await useAuthBackend().signOut().catch(() => {})
    chat.reset()
    bootstrapping = null
    readMarked.clear()
    if (reason) toast.add({ title: reason, color: 'warning', icon: 'i-lucide-log-out' })
    await nuxtApp.runWithContext(() => navigateTo('/login'))
  }

  return {
    bootstrap, selectProject, loadConversations, loadMembers, openConversation, loadOlder, loadUntil, syncAll, setPresence,
    send, retry, flushPending, edit, remove, markRead, startTyping, stopTyping,
    createConversation, startDm, onConnected, signIn, signOut
  }
}
