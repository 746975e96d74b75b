import { and, count, desc, eq, type SQL } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { ParticipantRole, Project } from '#shared/types'
import type { Invitation } from '#shared/invitation-schemas'
import { useDb, type DbOrTx } from '../../db/client'
import { profiles, projectInvitations, projectMembers, projects, type ProfileRow } from '../../db/schema'
import { consumeInvitationBudget } from '../../infra/rate-limit'
import { publishToUser } from '../../infra/realtime'
import { AppError } from '../../utils/errors'
import { isProjectClosed, notProjectBanned, requireProjectMember } from '../access'
import { getPolicyLimits } from '../moderation/policy-limits'
import { announceJoin, enterProjectWideConversations } from './join'
import type { Actor } from '../../domain/actor'

/** Pending invitations one inviter may have out to the same person (each to another project of theirs). */
export const PENDING_PER_INVITEE = 3

const inviters = alias(profiles, 'inviter')
const invitees = alias(profiles, 'invitee')

async function loadInvitations(db: DbOrTx, where: SQL): Promise<Invitation[]> {
  const rows = await db.select({
    i: projectInvitations,
    projectName: projects.name,
    inviter: { id: inviters.id, displayName: inviters.displayName, avatarUrl: inviters.avatarUrl },
    invitee: { id: invitees.id, displayName: invitees.displayName, avatarUrl: invitees.avatarUrl }
  }).from(projectInvitations)
    .innerJoin(projects, eq(projects.id, projectInvitations.projectId))
    .innerJoin(inviters, eq(inviters.id, projectInvitations.inviterId))
    .innerJoin(invitees, eq(invitees.id, projectInvitations.inviteeId))
    .where(where).orderBy(desc(projectInvitations.createdAt))
  return rows.map(({ i, projectName, inviter, invitee }) => ({
    id: i.id,
    project: { id: i.projectId, name: projectName },
    inviter,
    invitee,
    role: i.role,
    status: i.status,
    createdAt: i.createdAt.toISOString(),
    respondedAt: i.respondedAt?.toISOString() ?? null
  }))
}

async function loadInvitation(db: DbOrTx, id: string): Promise<Invitation> {
  const [invitation] = await loadInvitations(db, eq(projectInvitations.id, id))
  return invitation!
}

/** Tells both sides that an invitation was answered, so every open client of theirs updates. */
function publishAnswer(invitation: Invitation) {
  for (const userId of new Set([invitation.inviter.id, invitation.invitee.id])) publishToUser(userId, 'invitation:updated', { invitation })
}

/** The one answer for an invitation the caller may not see: the same for a missing id and for someone else's. */
const noSuchInvitation = () => new AppError('NOT_FOUND', 'no such invitation')

/**
 * Whether the actor may put the user in a project without asking: server admins may, and so may
 * anyone who already shares a project with them that is open to both (neither is banned from it).
 * Anyone else is a stranger, who is invited instead and decides.
 */
export async function mayAddDirectly(db: DbOrTx, actor: Actor, userId: string): Promise<boolean> {
  if (actor.role === 'admin' || actor.id === userId) return true
  const theirs = alias(projectMembers, 'theirs')
  const [shared] = await db.select({ projectId: projectMembers.projectId }).from(projectMembers)
    .innerJoin(theirs, and(eq(theirs.projectId, projectMembers.projectId), eq(theirs.userId, userId)))
    .where(and(eq(projectMembers.userId, actor.id), notProjectBanned(actor.id, projectMembers.projectId), notProjectBanned(userId, projectMembers.projectId)))
    .limit(1)
  return !!shared
}

/**
 * Invites a user into a project (the caller has already been checked as its owner or admin).
 * Re-inviting someone with a pending invitation to the project answers that invitation; a new one
 * costs the inviter's hourly budget and is refused past a few unanswered ones to the same person.
 * A refused invitation writes and tells nothing.
 */
export async function inviteToProject(db: DbOrTx, actor: Actor, projectId: string, invitee: ProfileRow, role: ParticipantRole): Promise<Invitation> {
  const pendingFor = and(eq(projectInvitations.projectId, projectId), eq(projectInvitations.inviteeId, invitee.id), eq(projectInvitations.status, 'pending'))!
  const [existing] = await db.select({ id: projectInvitations.id }).from(projectInvitations).where(pendingFor)
  if (existing) return loadInvitation(db, existing.id)
  const [outstanding] = await db.select({ n: count() }).from(projectInvitations)
    .where(and(eq(projectInvitations.inviterId, actor.id), eq(projectInvitations.inviteeId, invitee.id), eq(projectInvitations.status, 'pending')))
  if ((outstanding?.n ?? 0) >= PENDING_PER_INVITEE) {
    throw new AppError('RATE_LIMITED', 'this person has not answered your earlier invitations yet', { retryAfterMs: 3600_000 })
  }
  await consumeInvitationBudget(actor.id, getPolicyLimits().invitationsPerHour)
  const [created] = await db.insert(projectInvitations).values({ projectId, inviterId: actor.id, inviteeId: invitee.id, role })
    .onConflictDoNothing().returning({ id: projectInvitations.id })
  // Lost a race with a concurrent invitation to the same person: that one stands.
  if (!created) {
    const [raced] = await db.select({ id: projectInvitations.id }).from(projectInvitations).where(pendingFor)
    if (!raced) throw new AppError('CONFLICT', 'the invitation changed meanwhile, try again')
    return loadInvitation(db, raced.id)
  }
  const invitation = await loadInvitation(db, created.id)
  publishToUser(invitee.id, 'invitation:new', { invitation })
  return invitation
}

/** The caller's pending invitations, newest first. */
export async function listMyInvitations(actor: Actor): Promise<Invitation[]> {
  const db = await useDb()
  return loadInvitations(db, and(eq(projectInvitations.inviteeId, actor.id), eq(projectInvitations.status, 'pending'))!)
}

/** Whether the actor may see and revoke a project's invitations: its owners and admins, and server admins. */
async function managesInvitations(db: DbOrTx, actor: Actor, projectId: string): Promise<boolean> {
  if (actor.role === 'admin') return true
  try {
    return (await requireProjectMember(db, actor, projectId, 'read')).role !== 'member'
  } catch (error) {
    if (error instanceof AppError) return false
    throw error
  }
}

/** A project's pending invitations (its owners and admins). */
export async function listProjectInvitations(actor: Actor, projectId: string): Promise<Invitation[]> {
  const db = await useDb()
  if (!(await managesInvitations(db, actor, projectId))) throw new AppError('FORBIDDEN', 'only project owners and admins see its invitations')
  return loadInvitations(db, and(eq(projectInvitations.projectId, projectId), eq(projectInvitations.status, 'pending'))!)
}

/** One of the caller's own pending invitations; anyone else's, or a missing one, answers NOT_FOUND. */
async function requireOwnPending(db: DbOrTx, actor: Actor, id: string) {
  const [row] = await db.select().from(projectInvitations).where(and(eq(projectInvitations.id, id), eq(projectInvitations.inviteeId, actor.id)))
  if (!row) throw noSuchInvitation()
  if (row.status !== 'pending') throw new AppError('CONFLICT', `the invitation was already ${row.status}`)
  return row
}

/**
 * Withdraws a pending invitation, as `status`, recording who did it; CONFLICT when it was answered
 * meanwhile. Both sides are told.
 */
async function closeInvitation(db: DbOrTx, actor: Actor, id: string, status: 'declined' | 'revoked'): Promise<Invitation> {
  const [closed] = await db.update(projectInvitations).set({ status, respondedAt: new Date(), respondedBy: actor.id })
    .where(and(eq(projectInvitations.id, id), eq(projectInvitations.status, 'pending'))).returning({ id: projectInvitations.id })
  if (!closed) throw new AppError('CONFLICT', 'the invitation was answered meanwhile')
  const invitation = await loadInvitation(db, id)
  publishAnswer(invitation)
  return invitation
}

/**
 * Accepts one of the caller's invitations: they join the project and its project-wide
 * conversations exactly as a direct add would put them there. An invitation whose inviter can no
 * longer add members (left, demoted, banned) lapses instead.
 */
export async function acceptInvitation(actor: Actor, id: string): Promise<{ invitation: Invitation, project: Project }> {
  const db = await useDb()
  const pending = await requireOwnPending(db, actor, id)
  if (await isProjectClosed(db, actor.id, pending.projectId)) throw new AppError('FORBIDDEN', 'you are banned from this project')
  const [inviter] = await db.select({ role: projectMembers.role, displayName: profiles.displayName }).from(projectMembers)
    .innerJoin(profiles, eq(profiles.id, projectMembers.userId))
    .where(and(eq(projectMembers.projectId, pending.projectId), eq(projectMembers.userId, pending.inviterId)))
  if (!inviter || inviter.role === 'member' || await isProjectClosed(db, pending.inviterId, pending.projectId)) {
    await closeInvitation(db, actor, id, 'revoked')
    throw new AppError('CONFLICT', 'this invitation is no longer valid')
  }
  const { joined, role } = await db.transaction(async (tx) => {
    const [claimed] = await tx.update(projectInvitations).set({ status: 'accepted', respondedAt: new Date(), respondedBy: actor.id })
      .where(and(eq(projectInvitations.id, id), eq(projectInvitations.status, 'pending'))).returning({ id: projectInvitations.id })
    if (!claimed) throw new AppError('CONFLICT', 'the invitation was answered meanwhile')
    // Someone may have added them directly meanwhile: they keep the role they have.
    await tx.insert(projectMembers).values({ projectId: pending.projectId, userId: actor.id, role: pending.role }).onConflictDoNothing()
    const [member] = await tx.select({ role: projectMembers.role }).from(projectMembers)
      .where(and(eq(projectMembers.projectId, pending.projectId), eq(projectMembers.userId, actor.id)))
    // The same line as a direct add: the inviter added them, with their consent.
    const joined = await enterProjectWideConversations(tx, { id: pending.inviterId }, pending.projectId, actor.id, `${inviter.displayName} added ${actor.displayName}`)
    return { joined, role: member!.role }
  })
  await announceJoin(db, pending.projectId, actor.id, joined)
  const invitation = await loadInvitation(db, id)
  publishAnswer(invitation)
  return { invitation, project: { id: invitation.project.id, name: invitation.project.name, myRole: role } }
}

/** Declines one of the caller's invitations; nothing else changes. */
export async function declineInvitation(actor: Actor, id: string): Promise<Invitation> {
  const db = await useDb()
  await requireOwnPending(db, actor, id)
  return closeInvitation(db, actor, id, 'declined')
}

/**
 * Revokes a pending invitation: its inviter, the project's owners and admins, or a server admin.
 * Anyone else (the invitee declines instead) is answered as if it did not exist.
 */
export async function revokeInvitation(actor: Actor, id: string): Promise<Invitation> {
  const db = await useDb()
  const [row] = await db.select().from(projectInvitations).where(eq(projectInvitations.id, id))
  if (!row) throw noSuchInvitation()
  const allowed = row.inviterId === actor.id || await managesInvitations(db, actor, row.projectId)
  if (!allowed) throw noSuchInvitation()
  if (row.status !== 'pending') throw new AppError('CONFLICT', `the invitation was already ${row.status}`)
  return closeInvitation(db, actor, id, 'revoked')
}
