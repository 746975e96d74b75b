import { z } from 'zod'
import type { InvitationStatus, ParticipantRole } from './enums'
import type { ProjectMember, UserSummary } from './types'

/** An invitation into a project, as the invitee and the project's owners and admins see it. */
export interface Invitation {
  id: string
  project: { id: string, name: string }
  inviter: UserSummary
  invitee: UserSummary
  role: ParticipantRole
  status: InvitationStatus
  createdAt: string
  respondedAt: string | null
}

/**
 * The answer of `POST /api/projects/:projectId/members`: `active` when the person was added
 * directly, `invited` when they share no project with the caller and must accept first (then
 * `invitation` says which, and nothing about them, presence included, is revealed).
 */
export type AddedMember = ProjectMember & { status: 'active' | 'invited', invitation: Invitation | null }

/** `POST /api/conversations/:id/participants`: people of the conversation's project to add. */
export const addParticipantsSchema = z.object({
  userIds: z.array(z.uuid()).min(1, 'Pick at least one person').max(50, 'At most 50 people at once').transform(ids => [...new Set(ids)])
})
export type AddParticipantsInput = z.output<typeof addParticipantsSchema>
