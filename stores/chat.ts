import type { Attachment, Conversation, Message, Participant, PresenceStatus, Project, ProjectMember, User } from '#shared/types'
import type { MessageDeletedPayload, PresenceChangePayload, SyncResult, TypingUpdatePayload, UnreadUpdatePayload } from '#shared/events'
import { TYPING_EXPIRY_MS } from '#shared/limits'

export type MessageStatus = 'pending' | 'sent' | 'failed'

/** A message as the client holds it: the wire shape plus its delivery state. */
export interface ChatMessage extends Message {
  status: MessageStatus
  errorMessage?: string
}

export interface HistoryState {
  loaded: boolean
  hasMoreBefore: boolean
  loadingOlder: boolean
}

export interface TypingUser { userId: string, displayName: string }

/** The statuses a member can choose; "offline" only ever comes from the server. */
export type ChosenPresence = Exclude<PresenceStatus, 'offline'>

/** A message the list should scroll to and flash, e.g. a chosen search result. */
export interface JumpTarget { conversationId: string, messageId: string, seq: number }

const PRESENCE_KEY = 'chat.presence'

function readChosenPresence(): ChosenPresence {
  if (import.meta.server) return 'online'
  const stored = localStorage.getItem(PRESENCE_KEY)
  return stored === 'away' || stored === 'dnd' ? stored : 'online'
}

/** Local messages have no seq yet; they sit after every confirmed one. */
const isLocal = (m: ChatMessage) => m.seq === 0

/** Projects, conversations, messages, unread and typing state for the signed-in member. */
export const useChatStore = defineStore('chat', () => {
  const projects = ref<Project[]>([])
  const currentProjectId = ref<string | null>(null)
  const conversations = ref<Record<string, Conversation>>({})
  const members = ref<Record<string, ProjectMember[]>>({})
  const participants = ref<Record<string, Participant[]>>({})
  const messages = ref<Record<string, ChatMessage[]>>({})
  const history = ref<Record<string, HistoryState>>({})
  /** Highest seq/updatedSeq known per conversation: what sync:request asks after. */
  const cursors = ref<Record<string, number>>({})
  const typing = ref<Record<string, TypingUser[]>>({})
  const connected = ref(false)
  /** Other users' presence as announced by presence:change; absent means not heard of yet. */
  const presence = ref<Record<string, { status: PresenceStatus, lastSeenAt: string }>>({})
  const myPresence = ref<ChosenPresence>(readChosenPresence())
  const jumpTarget = ref<JumpTarget | null>(null)
  const typingTimers = new Map<string, ReturnType<typeof setTimeout>>()

  const currentProject = computed(() => projects.value.find(p => p.id === currentProjectId.value) ?? null)

  const projectConversations = computed(() =>
    Object.values(conversations.value).filter(c => c.projectId === currentProjectId.value))
  const channels = computed(() => projectConversations.value
    .filter(c => c.type !== 'direct')
    .sort((a, b) => a.title.localeCompare(b.title)))
  const directMessages = computed(() => projectConversations.value
    .filter(c => c.type === 'direct')
    .sort((a, b) => (b.lastMessageAt ?? '').localeCompare(a.lastMessageAt ?? '')))

  function reset() {
    projects.value = []
    currentProjectId.value = null
    conversations.value = {}
    members.value = {}
    participants.value = {}
    messages.value = {}
    history.value = {}
    cursors.value = {}
    typing.value = {}
    presence.value = {}
    jumpTarget.value = null
    for (const timer of typingTimers.values()) clearTimeout(timer)
    typingTimers.clear()
  }

  function setProjects(list: Project[]) {
    projects.value = list
  }

  function setConversations(projectId: string, list: Conversation[]) {
    const next: Record<string, Conversation> = {}
    for (const c of Object.values(conversations.value)) if (c.projectId !== projectId) next[c.id] = c
    for (const c of list) next[c.id] = c
    conversations.value = next
  }

  function upsertConversation(conversation: Conversation) {
    const existing = conversations.value[conversation.id]
    conversations.value[conversation.id] = existing
      ? { ...existing, ...conversation, lastMessage: conversation.lastMessage ?? existing.lastMessage, peer: conversation.peer ?? existing.peer }
      : conversation
  }

  function removeConversation(id: string) {
    const { [id]: _removed, ...rest } = conversations.value
    conversations.value = rest
  }

  function setMembers(projectId: string, list: ProjectMember[]) {
    members.value[projectId] = list
  }

  function setParticipants(conversationId: string, list: Participant[]) {
    participants.value[conversationId] = list
  }

  function advanceCursor(conversationId: string, value: number) {
    if (value > (cursors.value[conversationId] ?? 0)) cursors.value[conversationId] = value
  }

  function touchPreview(message: Message) {
    const conversation = conversations.value[message.conversationId]
    if (!conversation || message.seq < conversation.lastSeq) return
    conversation.lastSeq = message.seq
    conversation.lastMessageAt = message.createdAt
    conversation.lastMessage = message.deletedAt
      ? null
      : { senderId: message.senderId, senderName: message.sender.displayName, content: message.content, createdAt: message.createdAt }
  }

  /** Index where a confirmed message with this seq belongs (before any local ones). */
  function insertionIndex(list: ChatMessage[], seq: number) {
    let lo = 0
    let hi = list.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      const item = list[mid]!
      if (!isLocal(item) && item.seq < seq) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /**
   * Merges a server message: replaces a newer copy by id, swaps in for the pending local copy
   * with the same clientId, and otherwise inserts it in seq order. Returns false when skipped.
   */
  function upsertMessage(message: Message, options: { skipIfOlderThanLoaded?: boolean } = {}) {
    const list = messages.value[message.conversationId] ??= []
    const incoming: ChatMessage = { ...message, status: 'sent' }
    advanceCursor(message.conversationId, Math.max(message.seq, message.updatedSeq))
    touchPreview(message)

    const byId = list.findIndex(m => m.id === message.id)
    if (byId !== -1) {
      if (message.updatedSeq >= list[byId]!.updatedSeq) list[byId] = incoming
      return true
    }
    const local = list.findIndex(m => isLocal(m) && m.clientId === message.clientId && m.senderId === message.senderId)
    if (local !== -1) list.splice(local, 1)

    // A change to a message older than the loaded window would leave a gap; scrolling up fetches it.
    const first = list.find(m => !isLocal(m))
    if (options.skipIfOlderThanLoaded && history.value[message.conversationId]?.hasMoreBefore && first && message.seq < first.seq) return false

    list.splice(insertionIndex(list, message.seq), 0, incoming)
    return true
  }

  function setHistory(conversationId: string, page: Message[], hasMore: boolean) {
    const locals = (messages.value[conversationId] ?? []).filter(isLocal)
    messages.value[conversationId] = [...locals]
    for (const m of page) upsertMessage(m)
    history.value[conversationId] = { loaded: true, hasMoreBefore: hasMore, loadingOlder: false }
  }

  function prependHistory(conversationId: string, page: Message[], hasMore: boolean) {
    for (const m of page) upsertMessage(m)
    const state = history.value[conversationId]
    if (state) state.hasMoreBefore = hasMore
  }

  function setLoadingOlder(conversationId: string, loading: boolean) {
    const state = history.value[conversationId]
    if (state) state.loadingOlder = loading
  }

  function applySync(result: SyncResult) {
    for (const m of result.messages) upsertMessage(m, { skipIfOlderThanLoaded: true })
    if (!result.hasMore) advanceCursor(result.conversationId, result.lastSeq)
  }

  function applyDeleted(payload: MessageDeletedPayload) {
    advanceCursor(payload.conversationId, payload.updatedSeq)
    const message = messages.value[payload.conversationId]?.find(m => m.id === payload.messageId)
    if (message && message.updatedSeq < payload.updatedSeq) {
      message.deletedAt = new Date().toISOString()
      message.content = ''
      message.contentHtml = ''
      message.attachments = []
      message.updatedSeq = payload.updatedSeq
    }
    const conversation = conversations.value[payload.conversationId]
    if (conversation && conversation.lastSeq === payload.seq) conversation.lastMessage = null
  }

  /** Adds an optimistic message; it shows at once and is matched to the server copy by clientId. */
  function addPending(conversationId: string, content: string, sender: User, attachments: Attachment[] = []): ChatMessage {
    const clientId = crypto.randomUUID()
    const message: ChatMessage = {
      id: `local-${clientId}`,
      conversationId,
      seq: 0,
      updatedSeq: 0,
      clientId,
      senderId: sender.id,
      sender: { id: sender.id, displayName: sender.displayName, avatarUrl: sender.avatarUrl },
      type: 'text',
      content,
      contentHtml: '',
      replyToId: null,
      threadRootId: null,
      replyCount: 0,
      reactions: [],
      attachments,
      mentions: [],
      pinnedAt: null,
      editedAt: null,
      deletedAt: null,
      createdAt: new Date().toISOString(),
      status: 'pending'
    }
    ;(messages.value[conversationId] ??= []).push(message)
    return message
  }

  function findLocal(clientId: string) {
    for (const list of Object.values(messages.value)) {
      const found = list.find(m => isLocal(m) && m.clientId === clientId)
      if (found) return found
    }
    return undefined
  }

  function setLocalStatus(clientId: string, status: MessageStatus, errorMessage?: string) {
    const message = findLocal(clientId)
    if (message) {
      message.status = status
      message.errorMessage = errorMessage
    }
  }

  function discardLocal(clientId: string) {
    for (const list of Object.values(messages.value)) {
      const index = list.findIndex(m => isLocal(m) && m.clientId === clientId)
      if (index !== -1) list.splice(index, 1)
    }
  }

  const pendingMessages = computed(() =>
    Object.values(messages.value).flatMap(list => list.filter(m => isLocal(m) && m.status === 'pending')))

  /** A live message:new: counts as unread when it is newer than anything seen and not ours. */
  function receiveNew(message: Message, myId: string | undefined) {
    const conversation = conversations.value[message.conversationId]
    if (conversation && message.seq > conversation.lastSeq && message.senderId !== myId && message.type !== 'system') {
      conversation.unreadCount++
    }
    upsertMessage(message)
  }

  function setUnread(payload: UnreadUpdatePayload) {
    const conversation = conversations.value[payload.conversationId]
    if (conversation) {
      conversation.unreadCount = payload.unreadCount
      conversation.mentionCount = payload.mentionCount
    }
  }

  function clearUnread(conversationId: string) {
    const conversation = conversations.value[conversationId]
    if (conversation) {
      conversation.unreadCount = 0
      conversation.mentionCount = 0
    }
  }

  function setTyping(payload: TypingUpdatePayload) {
    const key = `${payload.conversationId}:${payload.userId}`
    clearTimeout(typingTimers.get(key))
    typingTimers.delete(key)
    const others = (typing.value[payload.conversationId] ?? []).filter(t => t.userId !== payload.userId)
    if (payload.isTyping) {
      others.push({ userId: payload.userId, displayName: payload.displayName })
      // The server stops repeating after 5 s of silence; expire locally so a lost stop cannot stick.
      typingTimers.set(key, setTimeout(() => setTyping({ ...payload, isTyping: false }), TYPING_EXPIRY_MS + 500))
    }
    typing.value[payload.conversationId] = others
  }

  function setPresence(payload: PresenceChangePayload) {
    presence.value[payload.userId] = { status: payload.status, lastSeenAt: payload.lastSeenAt }
  }

  /** A user's last announced status; null until the server has said anything about them. */
  function presenceOf(userId: string | null | undefined): PresenceStatus | null {
    return (userId && presence.value[userId]?.status) || null
  }

  function setMyPresence(status: ChosenPresence) {
    myPresence.value = status
    localStorage.setItem(PRESENCE_KEY, status)
  }

  function requestJump(target: JumpTarget | null) {
    jumpTarget.value = target
  }

  return {
    presence, myPresence, jumpTarget, setPresence, presenceOf, setMyPresence, requestJump,
    projects, currentProjectId, currentProject, conversations, members, participants, messages, history,
    cursors, typing, connected, channels, directMessages, pendingMessages,
    reset, setProjects, setConversations, upsertConversation, removeConversation, setMembers, setParticipants,
    upsertMessage, setHistory, prependHistory, setLoadingOlder, applySync, applyDeleted, addPending,
    findLocal, setLocalStatus, discardLocal, receiveNew, setUnread, clearUnread, setTyping
  }
})
