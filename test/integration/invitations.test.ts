import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Invitation, AddedMember } from '#shared/invitation-schemas'
import type { PresenceChangePayload } from '#shared/events'
import type { Conversation, Message, Participant, Project, ProjectMember } from '#shared/types'
import { startInstance, type Instance } from '../support/instance.mjs'
import { ack, api, baseUrl, closeAllSockets, collect, connect, instanceOnce, logIn, must, nextEvent, sendOk, setupConversation, signUp, sleep, type Session } from '../support/helpers'

// Ban evasion through project membership: someone who shares no project with you (projects open
// to both) can only invite you, and you decide. Until you accept: no rooms, messages, DMs or
// presence, and you are not a member. Invitations are rate-limited; others' invitations cannot be
// answered or revoked. Members add people of the project to their conversations while the owners let
// them. Sockets of the invitee talk to the second instance (the same server on the embedded suite).

afterEach(() => closeAllSockets())

let admin: Session
beforeAll(async () => {
  admin = await logIn('admin@example.com')
})

const asAdmin = <T>(method: string, path: string, body?: unknown) => api<T>(admin.base, method, path, { token: admin.token, body })
const elsewhere = (s: Session): Session => ({ ...s, base: baseUrl(1) })

async function newProject(owner: Session, name = 'side project'): Promise<{ id: string, generalId: string }> {
  const { project } = must(await api<{ project: Project }>(owner.base, 'POST', '/api/projects', { token: owner.token, body: { name } }), 'create project')
  const { conversations } = must(await api<{ conversations: Conversation[] }>(owner.base, 'GET', `/api/projects/${project.id}/conversations`, { token: owner.token }), 'sidebar')
  return { id: project.id, generalId: conversations.find(c => c.type === 'project')!.id }
}

/** POST …/members as the app does it, leaving an invitation pending (the helpers otherwise accept it for the invitee). */
const addByEmail = (actor: Session, projectId: string, email: string, role = 'member') =>
  api<{ member: AddedMember }>(actor.base, 'POST', `/api/projects/${projectId}/members`, { token: actor.token, body: { email, role }, keepInvitation: true })

const memberIds = async (viewer: Session, projectId: string) =>
  must(await api<{ members: ProjectMember[] }>(viewer.base, 'GET', `/api/projects/${projectId}/members`, { token: viewer.token }), 'members').members.map(m => m.userId)
const myProjects = async (s: Session) => must(await api<{ projects: Project[] }>(s.base, 'GET', '/api/projects', { token: s.token }), 'projects').projects.map(p => p.id)
const myInvitations = async (s: Session) => must(await api<{ invitations: Invitation[] }>(s.base, 'GET', '/api/invitations', { token: s.token }), 'invitations').invitations

describe('ban evasion through a new project', () => {
  it('a banned member who makes a project and adds the victim by email only invites her: no member, rooms, messages, DM or presence until she accepts; she declines', async () => {
    const [owner, mallory, vera] = await Promise.all([signUp('Owner'), signUp('Mallory'), signUp('Vera')])
    const shared = await setupConversation(owner, [mallory, vera], 'shared')
    must(await asAdmin('POST', `/api/admin/users/${mallory.user.id}/ban`, { projectId: shared.projectId, reason: 'harassment' }), 'project ban')

    const v = await connect(elsewhere(vera))
    const heardByVera = collect<{ message: Message }>(v, 'message:new')
    const roomsForVera = collect<{ conversation: Conversation }>(v, 'conversation:updated')
    const presenceForVera = collect<PresenceChangePayload>(v, 'presence:change')
    const invited = nextEvent<{ invitation: Invitation }>(v, 'invitation:new')

    const evasion = await newProject(mallory, 'totally innocent')
    const m = await connect(mallory)
    const added = await addByEmail(mallory, evasion.id, vera.user.email)
    expect([added.status, added.body.error]).toEqual([200, undefined])
    expect(added.body.member).toMatchObject({ userId: vera.user.id, status: 'invited', presence: 'offline', invitation: { status: 'pending' } })

    // She is told who invites her and to what.
    const { invitation } = await invited
    expect(invitation).toMatchObject({
      id: added.body.member.invitation!.id,
      project: { id: evasion.id, name: 'totally innocent' },
      inviter: { id: mallory.user.id, displayName: 'Mallory', avatarUrl: null },
      status: 'pending'
    })
    expect((await myInvitations(vera)).map(i => i.id)).toEqual([invitation.id])

    // Not a member, in no room; his messages, DMs and presence do not reach her.
    expect(await memberIds(mallory, evasion.id)).toEqual([mallory.user.id])
    expect(await myProjects(vera)).not.toContain(evasion.id)
    expect((await api(vera.base, 'GET', `/api/projects/${evasion.id}/conversations`, { token: vera.token })).status).toBe(403)
    expect((await api(vera.base, 'GET', `/api/conversations/${evasion.generalId}/messages`, { token: vera.token })).status).toBe(403)
    await sendOk(m, evasion.generalId, 'I found you anyway')
    const dm = await api(mallory.base, 'POST', '/api/dm', { token: mallory.token, body: { userId: vera.user.id } })
    expect(dm.status).toBe(403)
    const grouped = await api(mallory.base, 'POST', `/api/projects/${evasion.id}/conversations`, { token: mallory.token, body: { title: 'just us', type: 'group', participantIds: [vera.user.id] } })
    expect(grouped.status).toBe(400)
    expect((await ack<{ ok: boolean }>(m, 'presence:update', { status: 'dnd' })).ok).toBe(true)
    await sleep(400)
    expect(heardByVera.items).toEqual([])
    expect(roomsForVera.items.filter(u => u.conversation.projectId === evasion.id)).toEqual([])
    expect(presenceForVera.items.filter(p => p.userId === mallory.user.id)).toEqual([])

    // Adding her again answers the same invitation and tells her nothing new.
    const again = await addByEmail(mallory, evasion.id, vera.user.email)
    expect(again.body.member.invitation!.id).toBe(invitation.id)

    // She declines: the inviter hears it live, and nothing else changes.
    const answered = nextEvent<{ invitation: Invitation }>(m, 'invitation:updated')
    const declined = must(await api<{ invitation: Invitation }>(vera.base, 'POST', `/api/invitations/${invitation.id}/decline`, { token: vera.token }), 'decline')
    expect(declined.invitation).toMatchObject({ id: invitation.id, status: 'declined' })
    expect((await answered).invitation).toMatchObject({ id: invitation.id, status: 'declined' })
    expect(await myInvitations(vera)).toEqual([])
    expect(await memberIds(mallory, evasion.id)).toEqual([mallory.user.id])
    expect((await api(vera.base, 'POST', `/api/invitations/${invitation.id}/accept`, { token: vera.token })).status).toBe(409)
    expect(await myProjects(vera)).not.toContain(evasion.id)
    await sendOk(m, evasion.generalId, 'still there?')
    await sleep(300)
    expect(heardByVera.items).toEqual([])
  })

  it('accepting joins the project and its project-wide conversations exactly like a direct add, live', async () => {
    const [inviter, vera] = await Promise.all([signUp('Ines'), signUp('Vera')])
    const project = await newProject(inviter, 'book club')
    const i = await connect(inviter)
    const v = await connect(elsewhere(vera))
    const invited = nextEvent<{ invitation: Invitation }>(v, 'invitation:new')
    const added = await addByEmail(inviter, project.id, vera.user.email, 'admin')
    expect(added.body.member.status).toBe('invited')
    const { invitation } = await invited

    const joinedRoom = nextEvent<{ conversation: Conversation }>(v, 'conversation:updated', p => p.conversation.id === project.generalId)
    const joinedLine = nextEvent<{ message: Message }>(i, 'message:new', p => p.message.conversationId === project.generalId && p.message.type === 'system')
    const answered = nextEvent<{ invitation: Invitation }>(i, 'invitation:updated')
    const accepted = must(await api<{ invitation: Invitation, project: Project }>(vera.base, 'POST', `/api/invitations/${invitation.id}/accept`, { token: vera.token }), 'accept')
    expect(accepted.project).toEqual({ id: project.id, name: 'book club', myRole: 'admin' })
    expect((await joinedRoom).conversation.myRole).toBe('member')
    expect((await joinedLine).message.content).toBe('Ines added Vera')
    expect((await answered).invitation).toMatchObject({ id: invitation.id, status: 'accepted' })

    expect(await memberIds(inviter, project.id)).toContain(vera.user.id)
    expect(await myProjects(vera)).toContain(project.id)
    const heard = nextEvent<{ message: Message }>(v, 'message:new', p => p.message.content === 'welcome!')
    await sendOk(i, project.generalId, 'welcome!')
    await heard
    expect((await api(vera.base, 'POST', `/api/invitations/${invitation.id}/accept`, { token: vera.token })).status).toBe(409)
  })

  it('people who share a project open to both are added directly, and server admins add anyone directly', async () => {
    const [alice, bob, stranger] = await Promise.all([signUp('Alice'), signUp('Bob'), signUp('Stranger')])
    await setupConversation(alice, [bob], 'first')
    const second = await newProject(alice, 'second')
    const b = await connect(bob)
    const told = nextEvent<{ conversation: Conversation }>(b, 'conversation:updated', p => p.conversation.id === second.generalId)
    const direct = await addByEmail(alice, second.id, bob.user.email)
    expect(direct.body.member).toMatchObject({ userId: bob.user.id, status: 'active', invitation: null })
    await told
    expect(await memberIds(alice, second.id)).toContain(bob.user.id)

    const byAdmin = await newProject(admin, 'admin project')
    const added = await addByEmail(admin, byAdmin.id, stranger.user.email)
    expect(added.body.member).toMatchObject({ status: 'active', invitation: null })
    expect(await memberIds(admin, byAdmin.id)).toContain(stranger.user.id)
    expect(await myInvitations(stranger)).toEqual([])
  })
})

// Booting while the tests before it run.
const budgetServer = instanceOnce(() => startInstance({ name: 'invitations', pgliteTemplate: true, env: { AUTH_SIGNUPS_PER_IP: '100000' } }), { early: true })

describe('the hourly invitation budget (a server of its own with the default limit)', () => {
  let server: Instance
  beforeAll(async () => {
    server = await budgetServer()
  })

  it('one inviter sends at most 20 invitations an hour; the refused one leaves no trace', async () => {
    const inviter = await signUp('Spammer', server.url)
    const people = await Promise.all(Array.from({ length: 21 }, (_, n) => signUp(`Target ${n}`, server.url)))
    const project = await newProject(inviter, 'spam')
    for (const person of people.slice(0, 20)) {
      const res = await addByEmail(inviter, project.id, person.user.email)
      expect([res.status, res.body.member?.status]).toEqual([200, 'invited'])
    }
    const last = people[20]!
    const l = await connect(last)
    const told = collect<{ invitation: Invitation }>(l, 'invitation:new')
    const refused = await addByEmail(inviter, project.id, last.user.email)
    expect(refused.status).toBe(429)
    expect(refused.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterMs: expect.any(Number) } })
    await sleep(300)
    expect(told.items).toEqual([])
    expect(await myInvitations(last)).toEqual([])
    const pending = must(await api<{ invitations: Invitation[] }>(inviter.base, 'GET', `/api/projects/${project.id}/invitations`, { token: inviter.token }), 'pending')
    expect(pending.invitations).toHaveLength(20)
    // Re-inviting a pending invitee costs nothing: the same invitation comes back.
    const again = await addByEmail(inviter, project.id, people[0]!.user.email)
    expect(again.status).toBe(200)
    expect(again.body.member.invitation!.id).toBe(pending.invitations.find(i => i.invitee.id === people[0]!.user.id)!.id)
  })
})

describe('unanswered invitations', () => {
  it('at most three unanswered invitations from one inviter to the same person', async () => {
    const [inviter, vera] = await Promise.all([signUp('Persistent'), signUp('Vera')])
    const projects = await Promise.all([1, 2, 3, 4].map(n => newProject(inviter, `try ${n}`)))
    for (const project of projects.slice(0, 3)) expect((await addByEmail(inviter, project.id, vera.user.email)).body.member?.status).toBe('invited')
    const fourth = await addByEmail(inviter, projects[3]!.id, vera.user.email)
    expect([fourth.status, fourth.body.error?.code]).toEqual([429, 'RATE_LIMITED'])
    expect((await myInvitations(vera)).map(i => i.project.id).sort()).toEqual(projects.slice(0, 3).map(p => p.id).sort())
  })
})

describe('answering someone else\'s invitation', () => {
  it('nobody but the invitee accepts or declines it, nobody outside the project revokes or lists it, and nothing changes', async () => {
    const [mallory, vera, bob, member] = await Promise.all([signUp('Mallory'), signUp('Vera'), signUp('Bob'), signUp('Member')])
    const project = await newProject(mallory, 'trap')
    await setupConversation(mallory, [member], 'insiders')
    // `member` shares a project with Mallory: added directly, as a plain member of the trap project.
    expect((await addByEmail(mallory, project.id, member.user.email)).body.member.status).toBe('active')
    const { invitation } = (await addByEmail(mallory, project.id, vera.user.email)).body.member
    const id = invitation!.id
    const attempts: [Session, string, string][] = [
      [bob, 'POST', `/api/invitations/${id}/accept`],
      [bob, 'POST', `/api/invitations/${id}/decline`],
      [bob, 'DELETE', `/api/invitations/${id}`],
      [mallory, 'POST', `/api/invitations/${id}/accept`],
      [mallory, 'POST', `/api/invitations/${id}/decline`],
      [member, 'DELETE', `/api/invitations/${id}`],
      [vera, 'DELETE', `/api/invitations/${id}`]
    ]
    for (const [who, method, path] of attempts) {
      const res = await api(who.base, method, path, { token: who.token })
      expect([res.status, res.body.error?.code], `${who.user.displayName} ${method} ${path}`).toEqual([404, 'NOT_FOUND'])
    }
    for (const who of [bob, vera, member]) expect((await api(who.base, 'GET', `/api/projects/${project.id}/invitations`, { token: who.token })).status).toBe(403)
    expect((await api(bob.base, 'POST', '/api/invitations/00000000-0000-4000-8000-000000000000/accept', { token: bob.token })).status).toBe(404)
    expect(await memberIds(mallory, project.id)).not.toContain(bob.user.id)
    expect(await memberIds(mallory, project.id)).not.toContain(vera.user.id)
    expect((await myInvitations(vera)).map(i => [i.id, i.status])).toEqual([[id, 'pending']])

    // The project's owner revokes it: she hears it live and can no longer accept.
    const v = await connect(vera)
    const revokedLive = nextEvent<{ invitation: Invitation }>(v, 'invitation:updated')
    const revoked = must(await api<{ invitation: Invitation }>(mallory.base, 'DELETE', `/api/invitations/${id}`, { token: mallory.token }), 'revoke')
    expect(revoked.invitation.status).toBe('revoked')
    expect((await revokedLive).invitation).toMatchObject({ id, status: 'revoked' })
    expect((await api(vera.base, 'POST', `/api/invitations/${id}/accept`, { token: vera.token })).status).toBe(409)
    expect(await myInvitations(vera)).toEqual([])
    expect(await memberIds(mallory, project.id)).not.toContain(vera.user.id)
  })
})

describe('members add people to their conversations', () => {
  /** Alice owns a project with Bob, Carol, Dave in it and a group of Alice and Bob. */
  async function team() {
    const [alice, bob, carol, dave, outsider] = await Promise.all([signUp('Alice'), signUp('Bob'), signUp('Carol'), signUp('Dave'), signUp('Outsider')])
    const { projectId, conversation } = await setupConversation(alice, [bob], 'team')
    for (const who of [carol, dave]) must(await api(alice.base, 'POST', `/api/projects/${projectId}/members`, { token: alice.token, body: { email: who.user.email, role: 'member' } }), 'add to project')
    return { alice, bob, carol, dave, outsider, projectId, conversation }
  }
  const addPeople = (actor: Session, conversationId: string, userIds: string[]) =>
    api<{ conversation: Conversation, participants: Participant[] }>(actor.base, 'POST', `/api/conversations/${conversationId}/participants`, { token: actor.token, body: { userIds } })
  const participantIds = async (viewer: Session, conversationId: string) =>
    must(await api<{ participants: Participant[] }>(viewer.base, 'GET', `/api/conversations/${conversationId}`, { token: viewer.token }), 'participants').participants.map(p => p.userId).sort()

  it('a member adds a project member: she is told live, joins the room, and a plain system line says who added whom', async () => {
    const { alice, bob, carol, conversation } = await team()
    const [a, c] = await Promise.all([connect(alice), connect(elsewhere(carol))])
    const told = nextEvent<{ conversation: Conversation }>(c, 'conversation:updated', p => p.conversation.id === conversation.id)
    const line = nextEvent<{ message: Message }>(a, 'message:new', p => p.message.conversationId === conversation.id && p.message.type === 'system')
    const res = await addPeople(bob, conversation.id, [carol.user.id])
    expect(res.status).toBe(200)
    expect(res.body.participants.map(p => p.userId)).toContain(carol.user.id)
    expect((await told).conversation.title).toBe('team')
    expect((await line).message.content).toBe('Bob added Carol')
    const heard = nextEvent<{ message: Message }>(c, 'message:new', p => p.message.content === 'hi Carol')
    await sendOk(a, conversation.id, 'hi Carol')
    await heard
  })

  it('owners decide: with membersCanAdd off a member adds nobody, owners still do', async () => {
    const { alice, bob, carol, dave, conversation } = await team()
    const off = must(await api<{ conversation: Conversation }>(alice.base, 'PATCH', `/api/conversations/${conversation.id}`, { token: alice.token, body: { settings: { membersCanAdd: false } } }), 'switch off')
    expect(off.conversation.settings.membersCanAdd).toBe(false)
    // Only owners and admins change it.
    expect((await api(bob.base, 'PATCH', `/api/conversations/${conversation.id}`, { token: bob.token, body: { settings: { membersCanAdd: true } } })).status).toBe(403)
    const refused = await addPeople(bob, conversation.id, [carol.user.id])
    expect([refused.status, refused.body.error?.code]).toEqual([403, 'FORBIDDEN'])
    expect(await participantIds(alice, conversation.id)).toEqual([alice.user.id, bob.user.id].sort())
    expect((await addPeople(alice, conversation.id, [dave.user.id])).status).toBe(200)
    must(await api(alice.base, 'PATCH', `/api/conversations/${conversation.id}`, { token: alice.token, body: { settings: { membersCanAdd: true } } }), 'switch on')
    expect((await addPeople(bob, conversation.id, [carol.user.id])).status).toBe(200)
    expect(await participantIds(alice, conversation.id)).toEqual([alice.user.id, bob.user.id, carol.user.id, dave.user.id].sort())
  })

  it('nobody outside the project, or banned from it, is added; a muted or banned member adds nobody; DMs and project rooms take nobody', async () => {
    const { alice, bob, carol, dave, outsider, projectId, conversation } = await team()
    const stranger = await addPeople(bob, conversation.id, [outsider.user.id])
    expect([stranger.status, stranger.body.error?.code]).toEqual([400, 'VALIDATION'])
    must(await asAdmin('POST', `/api/admin/users/${dave.user.id}/ban`, { projectId, reason: 'spam' }), 'ban dave')
    const banned = await addPeople(bob, conversation.id, [dave.user.id])
    expect([banned.status, banned.body.error?.code]).toEqual([400, 'VALIDATION'])
    // Carol is not in the conversation: she adds nobody to it.
    expect((await addPeople(carol, conversation.id, [carol.user.id])).status).toBe(403)

    must(await asAdmin('POST', `/api/admin/users/${bob.user.id}/mute`, { reason: 'cool down', until: new Date(Date.now() + 3600_000).toISOString() }), 'mute bob')
    const muted = await addPeople(bob, conversation.id, [carol.user.id])
    expect([muted.status, muted.body.error?.code]).toEqual([403, 'MUTED'])
    must(await asAdmin('DELETE', `/api/admin/users/${bob.user.id}/mute`), 'unmute bob')
    must(await asAdmin('POST', `/api/admin/users/${bob.user.id}/ban`, { projectId, reason: 'abuse' }), 'ban bob')
    const bannedActor = await addPeople(bob, conversation.id, [carol.user.id])
    expect([bannedActor.status, bannedActor.body.error?.code]).toEqual([403, 'FORBIDDEN'])
    expect(await participantIds(alice, conversation.id)).toEqual([alice.user.id, bob.user.id].sort())

    const { conversation: dm } = must(await api<{ conversation: Conversation }>(alice.base, 'POST', '/api/dm', { token: alice.token, body: { userId: carol.user.id } }), 'dm')
    expect((await addPeople(alice, dm.id, [outsider.user.id])).status).toBe(409)
    const general = must(await api<{ conversations: Conversation[] }>(alice.base, 'GET', `/api/projects/${projectId}/conversations`, { token: alice.token }), 'sidebar').conversations.find(c => c.type === 'project')!
    expect((await addPeople(alice, general.id, [carol.user.id])).status).toBe(409)
  })
})
