import type { Invitation } from '#shared/invitation-schemas'

/**
 * Invitations into projects: the member's own pending ones (they accept or decline), and the
 * pending ones of projects they manage (they revoke), both kept live by invitation events.
 */
export const useInvitationsStore = defineStore('invitations', () => {
  const mine = ref<Invitation[]>([])
  const byProject = ref<Record<string, Invitation[]>>({})

  function reset() {
    mine.value = []
    byProject.value = {}
  }

  function setMine(list: Invitation[]) {
    mine.value = list
  }

  function setProject(projectId: string, list: Invitation[]) {
    byProject.value = { ...byProject.value, [projectId]: list }
  }

  /** A new, re-sent or answered invitation: only pending ones stay listed. */
  function apply(invitation: Invitation, myId: string | undefined) {
    const keep = (list: Invitation[]) => {
      const rest = list.filter(i => i.id !== invitation.id)
      return invitation.status === 'pending' ? [invitation, ...rest] : rest
    }
    if (invitation.invitee.id === myId) mine.value = keep(mine.value)
    const projectId = invitation.project.id
    if (byProject.value[projectId] || (invitation.inviter.id === myId && invitation.invitee.id !== myId)) {
      byProject.value = { ...byProject.value, [projectId]: keep(byProject.value[projectId] ?? []) }
    }
  }

  return { mine, byProject, reset, setMine, setProject, apply }
})
