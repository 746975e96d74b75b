import { afterEach, describe, expect, it } from 'vitest'
import type { AddedMember, Invitation } from '#shared/invitation-schemas'
import type { Conversation, Message, Project } from '#shared/types'
import { api, closeAllSockets, collect, connect, must, nextEvent, send, setupConversation, signUp, sleep, type Session } from '../support/helpers'

afterEach(() => closeAllSockets())

const history = async (who: Session, conversationId: string) =>
  (await api<{ messages: Message[] }>(who.base, 'GET', `/api/conversations/${conversationId}/messages`, { token: who.token })).body.messages

async function general(who: Session, projectId: string) {
  const list = await api<{ conversations: Conversation[] }>(who.base, 'GET', `/api/projects/${projectId}/conversations`, { token: who.token })
  return list.body.conversations.find(c => c.type === 'project')!
}

describe('joining', () => {
  it('says in the project-wide conversation who added whom', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { projectId } = await setupConversation(alice, [bob])
    const lines = (await history(alice, (await general(alice, projectId)).id)).filter(m => m.type === 'system')
    expect(lines.map(m => m.content)).toEqual(['Alice added Bob'])
  })
})

describe('being added to a project, live', () => {
  const projectEvent = (socket: Awaited<ReturnType<typeof connect>>, projectId: string) =>
    nextEvent<{ project: Project }>(socket, 'project:updated', p => p.project.id === projectId)

  it('lists the project in every open tab of the newcomer, and follows a role change; nobody else is told', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const carol = await signUp('Carol')
    // Sharing a project, Alice adds Bob directly (no invitation) to her next one.
    await setupConversation(alice, [bob, carol])
    const [tab1, tab2, other] = await Promise.all([connect(bob), connect(bob), connect(carol)])
    const { project } = must(await api<{ project: Project }>(alice.base, 'POST', '/api/projects', { token: alice.token, body: { name: 'Book club' } }), 'create project')
    const overheard = collect<{ project: Project }>(other, 'project:updated')
    const seen = [projectEvent(tab1, project.id), projectEvent(tab2, project.id)]
    const rooms = [tab1, tab2].map(tab => nextEvent<{ conversation: Conversation }>(tab, 'conversation:updated', p => p.conversation.projectId === project.id))
    const added = await api<{ member: AddedMember }>(alice.base, 'POST', `/api/projects/${project.id}/members`, { token: alice.token, body: { email: bob.user.email, role: 'member' } })
    expect(added.body.member?.status).toBe('active')
    // Just as the switcher lists it after a reload (the "Alice added Bob" line is unread).
    const listed = must(await api<{ projects: Project[] }>(bob.base, 'GET', '/api/projects', { token: bob.token }), 'projects').projects.find(p => p.id === project.id)
    expect(listed).toMatchObject({ id: project.id, name: 'Book club', myRole: 'member', unreadCount: 1 })
    for (const event of await Promise.all(seen)) expect(event.project).toEqual(listed)
    // Its project-wide conversation too, and the tabs' sockets are in its room already.
    for (const { conversation } of await Promise.all(rooms)) expect(conversation).toMatchObject({ type: 'project', title: 'general' })
    const general = (await rooms[0]!).conversation
    const line = nextEvent<{ message: Message }>(tab2, 'message:new', p => p.message.conversationId === general.id && p.message.content === 'welcome')
    expect((await send(await connect(alice), general.id, 'welcome')).ok).toBe(true)
    await line

    // Made an admin: the switcher's role follows, with no conversation joined.
    const promoted = [projectEvent(tab1, project.id), projectEvent(tab2, project.id)]
    must(await api(alice.base, 'POST', `/api/projects/${project.id}/members`, { token: alice.token, body: { email: bob.user.email, role: 'admin' } }), 'promote')
    for (const event of await Promise.all(promoted)) expect(event.project.myRole).toBe('admin')
    await sleep(200)
    expect(overheard.items).toEqual([])
  })

  it('tells the invitee\'s other tabs when they accept in one, and tells nothing while the invitation is pending', async () => {
    const owner = await signUp('Owner')
    const vera = await signUp('Vera')
    const { project } = must(await api<{ project: Project }>(owner.base, 'POST', '/api/projects', { token: owner.token, body: { name: 'Guild' } }), 'create project')
    const [tab1, tab2] = await Promise.all([connect(vera), connect(vera)])
    const early = collect<{ project: Project }>(tab2, 'project:updated')
    const invited = nextEvent<{ invitation: Invitation }>(tab1, 'invitation:new')
    const added = await api<{ member: AddedMember }>(owner.base, 'POST', `/api/projects/${project.id}/members`, { token: owner.token, body: { email: vera.user.email, role: 'member' }, keepInvitation: true })
    expect(added.body.member?.status).toBe('invited')
    const { invitation } = await invited
    await sleep(200)
    expect(early.items).toEqual([])
    const seen = projectEvent(tab2, project.id)
    must(await api(vera.base, 'POST', `/api/invitations/${invitation.id}/accept`, { token: vera.token }), 'accept')
    expect((await seen).project).toMatchObject({ id: project.id, name: 'Guild', myRole: 'member' })
  })
})

describe('leaving a conversation', () => {
  it('removes the member at once, tells the rest, and hands ownership on', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { conversation } = await setupConversation(alice, [bob])
    const a = await connect(alice)
    const b = await connect(bob)
    const removed = nextEvent<{ conversationId: string }>(a, 'conversation:removed')
    const notice = nextEvent<{ message: Message }>(b, 'message:new', p => p.message.type === 'system')
    const res = await api(alice.base, 'DELETE', `/api/conversations/${conversation.id}/participants/me`, { token: alice.token })
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ ok: true })
    expect((await removed).conversationId).toBe(conversation.id)
    expect((await notice).message.content).toBe('Alice left the conversation')
    expect((await api(alice.base, 'GET', `/api/conversations/${conversation.id}`, { token: alice.token })).status).toBe(403)
    expect((await send(a, conversation.id, 'still here?')).ok).toBe(false)
    const view = await api<{ conversation: Conversation }>(bob.base, 'GET', `/api/conversations/${conversation.id}`, { token: bob.token })
    expect(view.body.conversation.myRole).toBe('owner')
  })

  it('refuses direct messages, project-wide conversations and strangers', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const mallory = await signUp('Mallory')
    const { projectId, conversation } = await setupConversation(alice, [bob])
    const dm = await api<{ conversation: Conversation }>(alice.base, 'POST', '/api/dm', { token: alice.token, body: { userId: bob.user.id } })
    expect((await api(alice.base, 'DELETE', `/api/conversations/${dm.body.conversation.id}/participants/me`, { token: alice.token })).status).toBe(409)
    const wide = await general(alice, projectId)
    expect((await api(alice.base, 'DELETE', `/api/conversations/${wide.id}/participants/me`, { token: alice.token })).status).toBe(409)
    expect((await api(mallory.base, 'DELETE', `/api/conversations/${conversation.id}/participants/me`, { token: mallory.token })).status).toBe(403)
    expect((await api(mallory.base, 'DELETE', `/api/conversations/${conversation.id}/participants/me`)).status).toBe(401)
  })
})

describe('leaving a project', () => {
  it('leaves every conversation in it, with a line in each', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { projectId, conversation } = await setupConversation(alice, [bob])
    const res = await api(bob.base, 'DELETE', `/api/projects/${projectId}/members/me`, { token: bob.token })
    expect(res.status).toBe(200)
    const projects = await api<{ projects: { id: string }[] }>(bob.base, 'GET', '/api/projects', { token: bob.token })
    expect(projects.body.projects.some(p => p.id === projectId)).toBe(false)
    expect((await history(alice, conversation.id)).at(-1)?.content).toBe('Bob left the conversation')
    expect((await history(alice, (await general(alice, projectId)).id)).at(-1)?.content).toBe('Bob left the conversation')
    expect((await api(bob.base, 'GET', `/api/conversations/${conversation.id}`, { token: bob.token })).status).toBe(403)
  })

  it('keeps the only owner while others remain', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { projectId } = await setupConversation(alice, [bob])
    const res = await api(alice.base, 'DELETE', `/api/projects/${projectId}/members/me`, { token: alice.token })
    expect(res.status).toBe(409)
    expect(res.body.error?.message).toMatch(/only owner/)
  })
})
