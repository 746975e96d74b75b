import type { AddedMember } from '#shared/invitation-schemas'
import type { ParticipantRole, Project } from '#shared/types'

/** Creating, joining others to and leaving projects over REST; the sidebar follows the store. */
export function useProjects() {
  const api = useApi()
  const store = useConversationsStore()
  const conversations = useConversations()
  const invitations = useInvitationsStore()
  const auth = useAuthStore()

  /** Creates a project (the caller becomes its owner) and switches to it. */
  async function create(name: string): Promise<Project> {
    const { project } = await api<{ project: Project }>('/api/projects', { method: 'POST', body: { name } })
    store.setProjects([...store.projects.filter(p => p.id !== project.id), project])
    await conversations.selectProject(project.id)
    return project
  }

  /**
   * Adds a registered user by e-mail (owners and admins); they join the project-wide conversations.
   * Someone who shares no project with the caller is invited instead (`status: 'invited'`).
   */
  async function addMember(projectId: string, email: string, role: ParticipantRole): Promise<AddedMember> {
    const { member } = await api<{ member: AddedMember }>(`/api/projects/${projectId}/members`, { method: 'POST', body: { email, role } })
    if (member.invitation) invitations.apply(member.invitation, auth.user?.id)
    else store.setMembers(projectId, [...(store.members[projectId] ?? []).filter(m => m.userId !== member.userId), member])
    return member
  }

  /** Leaves a project and its conversations, then opens another project if there is one. */
  async function leave(projectId: string): Promise<void> {
    await api<{ ok: true }>(`/api/projects/${projectId}/members/me`, { method: 'DELETE' })
    store.removeProject(projectId)
    const next = store.projects[0]
    if (next) await conversations.selectProject(next.id)
  }

  return { create, addMember, leave }
}
