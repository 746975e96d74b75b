import { and, eq } from 'drizzle-orm'
import type { Project, ProjectMember } from '#shared/types'
import type { AddProjectMemberInput, CreateProjectInput } from '#shared/schemas'
import type { AddedMember } from '#shared/invitation-schemas'
import { useDb, type DbOrTx } from '../../db/client'
import { conversationParticipants, conversations, profiles, projectMembers, projects } from '../../db/schema'
import { setConversationMembership } from '../../infra/realtime'
import { AppError } from '../../utils/errors'
import { requireProjectMember } from '../access'
import { inviteToProject, mayAddDirectly } from './invitations'
import { projectTotalsFor } from '../messages/reads-counts'
import { getPresence } from '../people/presence'
import { announceJoin, enterProjectWideConversations } from './join'
import type { Actor } from '../../domain/actor'

/** Projects the caller belongs to, with their unread totals there (the project switcher's badges). */
export async function listProjects(actor: Actor): Promise<Project[]> {
  const db = await useDb()
  const [rows, totals] = await Promise.all([
    db.select({ id: projects.id, name: projects.name, myRole: projectMembers.role })
      .from(projectMembers).innerJoin(projects, eq(projects.id, projectMembers.projectId))
      .where(eq(projectMembers.userId, actor.id)).orderBy(projects.createdAt),
    projectTotalsFor(db, [actor.id])
  ])
  const byProject = new Map(totals.map(t => [t.projectId, t]))
  return rows.map(r => ({ ...r, unreadCount: byProject.get(r.id)?.unreadCount ?? 0, mentionCount: byProject.get(r.id)?.mentionCount ?? 0 }))
}

/** Creates a project owned by the caller, with a "general" conversation, as Slack and Mattermost do. */
export async function createProject(actor: Actor, { name }: CreateProjectInput): Promise<Project> {
  const db = await useDb()
  const { project, conversationId } = await db.transaction(async (tx) => {
    const [project] = await tx.insert(projects).values({ name, createdBy: actor.id }).returning()
    await tx.insert(projectMembers).values({ projectId: project!.id, userId: actor.id, role: 'owner' })
    const [general] = await tx.insert(conversations).values({ projectId: project!.id, type: 'project', title: 'general', createdBy: actor.id }).returning({ id: conversations.id })
    await tx.insert(conversationParticipants).values({ conversationId: general!.id, userId: actor.id, role: 'owner' })
    return { project: project!, conversationId: general!.id }
  })
  setConversationMembership([actor.id], conversationId, true)
  return { id: project.id, name: project.name, myRole: 'owner', unreadCount: 0, mentionCount: 0 }
}

/** Members of a project the caller belongs to. */
export async function listProjectMembers(actor: Actor, projectId: string): Promise<ProjectMember[]> {
  const db = await useDb()
  await requireProjectMember(db, actor, projectId)
  const rows = await db.select({ m: projectMembers, u: profiles }).from(projectMembers)
    .innerJoin(profiles, eq(profiles.id, projectMembers.userId))
    .where(eq(projectMembers.projectId, projectId)).orderBy(profiles.displayName)
  const presence = await getPresence(rows.map(r => r.u.id))
  return rows.map(({ m, u }) => ({ id: u.id, userId: u.id, displayName: u.displayName, avatarUrl: u.avatarUrl, email: u.email, role: m.role, presence: presence[u.id] ?? 'offline' }))
}

const RANK = { member: 0, admin: 1, owner: 2 } as const
type ProjectRole = keyof typeof RANK

/**
 * Re-adding an existing member changes their role: only someone ranked above that member may
 * (owners may change anyone, server admins too), and the project's last owner stays an owner.
 */
async function assertMayChangeRole(tx: DbOrTx, actor: Actor, myRole: ProjectRole, projectId: string, currentRole: ProjectRole) {
  if (actor.role !== 'admin' && myRole !== 'owner' && RANK[currentRole] >= RANK[myRole]) {
    throw new AppError('FORBIDDEN', `a project ${myRole} cannot change the role of a project ${currentRole}`)
  }
  if (currentRole !== 'owner') return
  const owners = await tx.select({ userId: projectMembers.userId }).from(projectMembers)
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.role, 'owner'))).for('update')
  if (owners.length <= 1) throw new AppError('CONFLICT', 'a project keeps at least one owner')
}

/**
 * Adds a registered user to a project (owners and admins only) and to its project-wide
 * conversations, so a newcomer lands in #general like in Slack. Someone who shares no project
 * with the caller is invited instead and joins only by accepting (see invitations.ts).
 */
export async function addProjectMember(actor: Actor, projectId: string, { email, role }: AddProjectMemberInput): Promise<AddedMember> {
  const db = await useDb()
  const me = await requireProjectMember(db, actor, projectId, 'write')
  if (me.role === 'member' && actor.role !== 'admin') throw new AppError('FORBIDDEN', 'only project owners and admins can add members')
  if (role === 'owner' && me.role !== 'owner' && actor.role !== 'admin') throw new AppError('FORBIDDEN', 'only owners can add owners')
  const [user] = await db.select().from(profiles).where(eq(profiles.email, email))
  if (!user) throw new AppError('NOT_FOUND', 'no registered user has this email', { fields: [{ field: 'email', message: 'not registered' }] })
  const [already] = await db.select({ role: projectMembers.role }).from(projectMembers)
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, user.id)))
  if (!already && !(await mayAddDirectly(db, actor, user.id))) {
    const invitation = await inviteToProject(db, actor, projectId, user, role)
    // Nothing about a stranger is shown until they accept: not even whether they are online.
    return { id: user.id, userId: user.id, displayName: user.displayName, avatarUrl: user.avatarUrl, email: user.email, role: invitation.role, presence: 'offline', status: 'invited', invitation }
  }
  const joined = await db.transaction(async (tx) => {
    // Locked so two concurrent role changes cannot both pass the last-owner check.
    const [current] = await tx.select({ role: projectMembers.role }).from(projectMembers)
      .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, user.id))).for('update')
    if (current && current.role !== role) await assertMayChangeRole(tx, actor, me.role, projectId, current.role)
    await tx.insert(projectMembers).values({ projectId, userId: user.id, role })
      .onConflictDoUpdate({ target: [projectMembers.projectId, projectMembers.userId], set: { role } })
    return enterProjectWideConversations(tx, actor, projectId, user.id, `${actor.displayName} added ${user.displayName}`)
  })
  // Re-adding a member banned from the project gives them nothing until the ban is lifted.
  await announceJoin(db, projectId, user.id, joined)
  const presence = await getPresence([user.id])
  return { id: user.id, userId: user.id, displayName: user.displayName, avatarUrl: user.avatarUrl, email: user.email, role, presence: presence[user.id] ?? 'offline', status: 'active', invitation: null }
}
