import type { Conversation, Message, Participant, Project, ProjectMember, UserSummary } from '#shared/types'
import type { MessageDeletedPayload, UnreadUpdatePayload } from '#shared/events'

export type LoadState = 'idle' | 'loading' | 'ready'

/** Projects, the sidebar's conversations with their unread counts, members and participants. */
export const useConversationsStore = defineStore('conversations', () => {
  const projects = ref<Project[]>([])
  const currentProjectId = ref<string | null>(null)
  /** The project to open on the next visit; kept across reloads and sign-outs. */
  const rememberedProjectId = useLocalStorage('chat.project', '')
  /** Projects and the first sidebar, read once per session. */
  const bootstrap = ref<LoadState>('idle')
  const conversations = ref<Record<string, Conversation>>({})
  const members = ref<Record<string, ProjectMember[]>>({})
  const participants = ref<Record<string, Participant[]>>({})
  /** The seq this tab last reported with read:mark, per conversation. */
  const readSeq = ref<Record<string, number>>({})
  /** Projects whose whole sidebar was read: their unread totals are summed here, not taken from the server. */
  const loadedProjectIds = ref<Record<string, true>>({})

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
    bootstrap.value = 'idle'
    conversations.value = {}
    members.value = {}
    participants.value = {}
    readSeq.value = {}
    loadedProjectIds.value = {}
  }

  function setBootstrap(state: LoadState) {
    bootstrap.value = state
  }

  function setProjects(list: Project[]) {
    projects.value = list
  }

  /** A project the member was added to, or whose name or role changed; its unread totals stay this tab's own. */
  function upsertProject(project: Project) {
    const known = projects.value.find(p => p.id === project.id)
    if (known) Object.assign(known, { name: project.name, myRole: project.myRole })
    else projects.value = [...projects.value, project]
  }

  function selectProject(projectId: string) {
    currentProjectId.value = projectId
    rememberedProjectId.value = projectId
  }

  function setConversations(projectId: string, list: Conversation[]) {
    const next: Record<string, Conversation> = {}
    for (const c of Object.values(conversations.value)) if (c.projectId !== projectId) next[c.id] = c
    for (const c of list) next[c.id] = c
    conversations.value = next
    loadedProjectIds.value[projectId] = true
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

  /** Drops a project the user left, with its conversations and members. */
  function removeProject(projectId: string) {
    projects.value = projects.value.filter(p => p.id !== projectId)
    const next: Record<string, Conversation> = {}
    for (const c of Object.values(conversations.value)) if (c.projectId !== projectId) next[c.id] = c
    conversations.value = next
    const { [projectId]: _gone, ...rest } = members.value
    members.value = rest
    const { [projectId]: _loaded, ...loaded } = loadedProjectIds.value
    loadedProjectIds.value = loaded
    if (currentProjectId.value === projectId) currentProjectId.value = null
  }

  /** A user's new name or avatar, everywhere the sidebar and member lists show them (`user:updated`). */
  function applyUser(user: UserSummary) {
    for (const list of Object.values(members.value)) {
      for (const m of list) if (m.userId === user.id) Object.assign(m, { displayName: user.displayName, avatarUrl: user.avatarUrl })
    }
    for (const list of Object.values(participants.value)) {
      for (const p of list) if (p.userId === user.id) Object.assign(p, { displayName: user.displayName, avatarUrl: user.avatarUrl })
    }
    for (const c of Object.values(conversations.value)) {
      if (c.peer?.id !== user.id) continue
      c.peer = { ...user }
      if (c.type === 'direct') c.title = user.displayName
      if (c.lastMessage?.senderId === user.id) c.lastMessage.senderName = user.displayName
    }
  }

  function setMembers(projectId: string, list: ProjectMember[]) {
    members.value[projectId] = list
  }

  function setParticipants(conversationId: string, list: Participant[]) {
    participants.value[conversationId] = list
  }

  /** Moves the sidebar preview forward to this message when it is the newest seen. */
  function touchPreview(message: Message) {
    const conversation = conversations.value[message.conversationId]
    if (!conversation || message.seq < conversation.lastSeq) return
    conversation.lastSeq = message.seq
    conversation.lastMessageAt = message.createdAt
    conversation.lastMessage = message.deletedAt
      ? null
      : { senderId: message.senderId, senderName: message.sender.displayName, content: message.content, createdAt: message.createdAt }
  }

  /** A live message:new counts as unread when it is newer than anything seen and not ours. */
  function countUnread(message: Message, myId: string | undefined) {
    const conversation = conversations.value[message.conversationId]
    if (conversation && message.seq > conversation.lastSeq && message.senderId !== myId && message.type !== 'system') {
      conversation.unreadCount++
    }
  }

  function previewDeleted(payload: MessageDeletedPayload) {
    const conversation = conversations.value[payload.conversationId]
    if (conversation && conversation.lastSeq === payload.seq) conversation.lastMessage = null
  }

  function setUnread(payload: UnreadUpdatePayload) {
    const conversation = conversations.value[payload.conversationId]
    if (conversation) {
      conversation.unreadCount = payload.unreadCount
      conversation.mentionCount = payload.mentionCount
    }
  }

  /** A project's unread totals from the server, for a project whose sidebar this tab has not read. */
  function setProjectUnread(payload: { projectId: string, unreadCount: number, mentionCount: number }) {
    const project = projects.value.find(p => p.id === payload.projectId)
    if (project) Object.assign(project, { unreadCount: payload.unreadCount, mentionCount: payload.mentionCount })
  }

  /** Records a read:mark sent for this seq and clears the badge. */
  function markRead(conversationId: string, seq: number) {
    readSeq.value[conversationId] = seq
    const conversation = conversations.value[conversationId]
    if (conversation) {
      conversation.unreadCount = 0
      conversation.mentionCount = 0
    }
  }

  return {
    projects, currentProjectId, rememberedProjectId, bootstrap, conversations, members, participants, readSeq, loadedProjectIds,
    currentProject, channels, directMessages,
    reset, setBootstrap, setProjects, upsertProject, selectProject, setConversations, upsertConversation, removeConversation, removeProject, applyUser,
    setMembers, setParticipants, touchPreview, countUnread, previewDeleted, setUnread, setProjectUnread, markRead
  }
})
