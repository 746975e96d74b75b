import type { Conversation, Participant, Project, ProjectMember } from '#shared/types'
import { takeEarlyConversation } from '~/utils/boot/early-requests'
import { isNetworkError } from '~/utils/offline/network'

interface Details { conversation: Conversation, participants: Participant[] }

const isDetails = (answer: unknown): answer is Details =>
  typeof answer === 'object' && answer !== null && typeof (answer as Details).conversation?.id === 'string' && Array.isArray((answer as Details).participants)

/** Projects and conversations over REST: the sidebar, opening one, creating one, starting a DM. */
export function useConversations() {
  const api = useApi()
  const store = useConversationsStore()
  const presence = usePresenceStore()
  const offlineCache = useOfflineCache()

  async function loadConversations(projectId: string) {
    const { conversations } = await api<{ conversations: Conversation[] }>(`/api/projects/${projectId}/conversations`)
    store.setConversations(projectId, conversations)
  }

  async function loadMembers(projectId: string) {
    const { members } = await api<{ members: ProjectMember[] }>(`/api/projects/${projectId}/members`)
    store.setMembers(projectId, members)
    presence.setSnapshot(members, new Date().toISOString())
  }

  async function selectProject(projectId: string) {
    store.selectProject(projectId)
    await Promise.all([loadConversations(projectId), loadMembers(projectId)])
  }

  /** The projects list again: names and, for projects whose sidebar is not held here, unread totals. */
  async function loadProjects() {
    const { projects } = await api<{ projects: Project[] }>('/api/projects')
    store.setProjects(projects)
  }

  /** Projects and the remembered project's sidebar, once per session; concurrent callers wait for the first. */
  async function bootstrap() {
    while (store.bootstrap === 'loading') await until(() => store.bootstrap).not.toBe('loading')
    if (store.bootstrap === 'ready') return
    store.setBootstrap('loading')
    try {
      const { projects } = await api<{ projects: Project[] }>('/api/projects')
      store.setProjects(projects)
      const project = projects.find(p => p.id === store.rememberedProjectId) ?? projects[0]
      if (project) await selectProject(project.id)
      store.setBootstrap('ready')
    } catch (error) {
      // Without a network the sidebar last seen on this device shows until the next bootstrap replaces it.
      if (isNetworkError(error)) await offlineCache.restoreSidebar().catch(logFailure('reading the cached sidebar'))
      store.setBootstrap('idle')
      throw error
    }
  }

  /** A conversation's details and participants; switches to its project when it lives in another one. */
  async function open(conversationId: string) {
    // The details are read beside the sidebar, not after it: a cold load shows the conversation one
    // round trip sooner. They are applied again once the sidebar is in, which replaces its project's list.
    const details = (async () => {
      // The page shell may have asked already (utils/boot/early-requests.ts).
      const early = await takeEarlyConversation('details', conversationId)
      const read = isDetails(early) ? early : await api<Details>(`/api/conversations/${conversationId}`)
      store.upsertConversation(read.conversation)
      store.setParticipants(conversationId, read.participants)
      return read.conversation
    })()
    const [sidebar, read] = await Promise.allSettled([bootstrap(), details])
    try {
      if (sidebar.status === 'rejected') throw sidebar.reason
      if (read.status === 'rejected') throw read.reason
      const conversation = read.value
      store.upsertConversation(conversation)
      if (conversation.projectId !== store.currentProjectId) await selectProject(conversation.projectId)
    } catch (error) {
      // Without a network a conversation of the cached sidebar opens read-only from the device.
      if (isNetworkError(error) && store.conversations[conversationId]) return
      throw error
    }
  }

  async function create(projectId: string, title: string, participantIds: string[], type: 'group' | 'project' = 'group') {
    const { conversation } = await api<{ conversation: Conversation }>(`/api/projects/${projectId}/conversations`, {
      method: 'POST', body: { title, type, participantIds }
    })
    store.upsertConversation(conversation)
    return conversation
  }

  /** Opens (or starts) a DM in the project it is started from: never in another one, which would switch the member away. */
  async function startDm(userId: string, projectId = store.currentProjectId) {
    const { conversation } = await api<{ conversation: Conversation }>('/api/dm', { method: 'POST', body: { userId, ...(projectId ? { projectId } : {}) } })
    store.upsertConversation(conversation)
    return conversation
  }

  /** Leaves a group or announcement conversation; the server then sends conversation:removed too. */
  async function leave(conversationId: string) {
    await api<{ ok: true }>(`/api/conversations/${conversationId}/participants/me`, { method: 'DELETE' })
    store.removeConversation(conversationId)
  }

  /** Renames a conversation or changes its settings (owners and admins). */
  async function update(conversationId: string, changes: { title?: string, settings?: { membersCanPin?: boolean, membersCanAdd?: boolean } }) {
    const { conversation } = await api<{ conversation: Conversation }>(`/api/conversations/${conversationId}`, { method: 'PATCH', body: changes })
    store.upsertConversation(conversation)
    return conversation
  }

  /** Adds people of the project to a conversation the caller is in; the participant list follows. */
  async function addPeople(conversationId: string, userIds: string[]) {
    const { conversation, participants } = await api<{ conversation: Conversation, participants: Participant[] }>(`/api/conversations/${conversationId}/participants`, {
      method: 'POST', body: { userIds }
    })
    store.upsertConversation(conversation)
    store.setParticipants(conversationId, participants)
    return participants
  }

  return { leave, update, addPeople, loadProjects, loadConversations, loadMembers, selectProject, bootstrap, open, create, startDm }
}
