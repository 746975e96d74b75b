import type { Invitation } from '#shared/invitation-schemas'
import type { Project } from '#shared/types'

/** Invitations into projects over REST; invitation events keep the store current between calls. */
export function useInvitations() {
  const api = useApi()
  const store = useInvitationsStore()
  const auth = useAuthStore()
  const conversationsStore = useConversationsStore()
  const conversations = useConversations()
  const toast = useToast()

  /** The member's pending invitations. */
  async function load() {
    const { invitations } = await api<{ invitations: Invitation[] }>('/api/invitations')
    store.setMine(invitations)
  }

  /** A project's pending invitations (its owners and admins). */
  async function loadProject(projectId: string) {
    const { invitations } = await api<{ invitations: Invitation[] }>(`/api/projects/${projectId}/invitations`)
    store.setProject(projectId, invitations)
  }

  /** Accepts an invitation and opens the project it leads to; resolves with that project. */
  async function accept(id: string): Promise<Project> {
    const { invitation, project } = await api<{ invitation: Invitation, project: Project }>(`/api/invitations/${id}/accept`, { method: 'POST' })
    store.apply(invitation, auth.user?.id)
    conversationsStore.setProjects([...conversationsStore.projects.filter(p => p.id !== project.id), project])
    await conversations.selectProject(project.id)
    return project
  }

  async function decline(id: string) {
    const { invitation } = await api<{ invitation: Invitation }>(`/api/invitations/${id}/decline`, { method: 'POST' })
    store.apply(invitation, auth.user?.id)
  }

  async function revoke(id: string) {
    const { invitation } = await api<{ invitation: Invitation }>(`/api/invitations/${id}`, { method: 'DELETE' })
    store.apply(invitation, auth.user?.id)
  }

  /** invitation:new and invitation:updated from the socket; a new one for the member is also said in a toast. */
  function receive(invitation: Invitation, fresh = false) {
    store.apply(invitation, auth.user?.id)
    // Someone the member invited joined: the project's member list has a new name.
    if (invitation.status === 'accepted' && invitation.invitee.id !== auth.user?.id && conversationsStore.members[invitation.project.id]) {
      conversations.loadMembers(invitation.project.id).catch(logFailure('reloading the project\'s members'))
    }
    if (fresh && invitation.invitee.id === auth.user?.id) {
      toast.add({
        title: `${invitation.inviter.displayName} invited you to ${invitation.project.name}`,
        description: 'Accept or decline it at the top of the sidebar.',
        avatar: { src: invitation.inviter.avatarUrl ?? undefined, alt: invitation.inviter.displayName },
        color: 'info'
      })
    }
  }

  return { load, loadProject, accept, decline, revoke, receive }
}
