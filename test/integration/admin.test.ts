import { randomUUID } from 'node:crypto'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { AdminConversation, AdminUser, AuditEntry } from '#admin-shared/admin-schemas'
import type { Message, Participant } from '#shared/types'
import { api, closeAllSockets, collect, connect, logIn, nextEvent, setupConversation, signUp, sleep, type Session } from '../support/helpers'

afterEach(() => closeAllSockets())

let admin: Session
beforeAll(async () => {
  admin = await logIn('admin@example.com')
})

type Participants = { participants: Participant[] }
const participantsPath = (conversationId: string, userId?: string) =>
  `/api/admin/conversations/${conversationId}/participants${userId ? `/${userId}` : ''}`

describe('admin routes are for admins only', () => {
  it('answers FORBIDDEN with the contract body to a member on every admin route, before reading input', async () => {
    const member = await signUp('Member')
    const { conversation } = await setupConversation(member, [])
    const other = randomUUID()
    const calls: [string, string, unknown?][] = [
      ['GET', '/api/admin/conversations'],
      ['GET', '/api/admin/conversations?status=bogus'],
      ['GET', `/api/admin/conversations/${conversation.id}`],
      ['GET', '/api/admin/projects'],
      ['GET', participantsPath(conversation.id)],
      ['POST', participantsPath(conversation.id), { userId: member.user.id, role: 'admin' }],
      ['POST', participantsPath('not-a-uuid'), { nonsense: true }],
      ['PATCH', participantsPath(conversation.id, member.user.id), { role: 'admin' }],
      ['DELETE', participantsPath(conversation.id, other)],
      ['GET', '/api/admin/users?q=a'],
      ['GET', '/api/admin/audit'],
      ['GET', '/api/admin/conversations?sort=title&order=asc&limit=5'],
      ['GET', '/api/admin/conversations?sort=bogus&order=sideways'],
      ['PATCH', `/api/admin/conversations/${conversation.id}`, { status: 'locked' }],
      ['PATCH', `/api/admin/conversations/${conversation.id}`, { settings: { slowModeSeconds: 30 }, title: 'taken over' }],
      ['PATCH', `/api/admin/conversations/${conversation.id}`, { status: 'melted', settings: { slowModeSeconds: -1 } }],
      ['PATCH', '/api/admin/conversations/not-a-uuid', {}],
      ['GET', `/api/admin/conversations/${conversation.id}/messages`],
      ['GET', `/api/admin/conversations/${conversation.id}/messages?around=1&limit=5`],
      ['GET', `/api/admin/conversations/${conversation.id}/messages?before=x&after=-1`],
      ['POST', participantsPath(conversation.id), { userIds: [member.user.id, other], role: 'member' }],
      ['POST', `${participantsPath(conversation.id)}/remove`, { userIds: [member.user.id] }],
      ['POST', `${participantsPath(conversation.id)}/remove`, { userIds: 'everyone' }]
    ]
    for (const [method, path, body] of calls) {
      const res = await api(member.base, method, path, { token: member.token, body })
      expect(res.status, `${method} ${path}`).toBe(403)
      expect(res.body).toEqual({ error: { code: 'FORBIDDEN', message: expect.any(String) } })
    }
    // The member's own conversation is untouched: still one participant, still the owner.
    const view = await api<{ participants: Participant[] }>(member.base, 'GET', `/api/conversations/${conversation.id}`, { token: member.token })
    expect(view.body.participants.map(p => [p.userId, p.role])).toEqual([[member.user.id, 'owner']])
    const settings = await api<{ conversation: { status: string, title: string, settings: { slowModeSeconds: number } } }>(member.base, 'GET', `/api/conversations/${conversation.id}`, { token: member.token })
    expect(settings.body.conversation).toMatchObject({ status: 'active', title: 'team', settings: { slowModeSeconds: 0 } })
  })

  it('answers UNAUTHENTICATED without a token, whatever the input', async () => {
    const target = randomUUID()
    const calls: [string, string, unknown?][] = [
      ['GET', '/api/admin/conversations'],
      ['GET', '/api/admin/conversations?sort=messages&order=asc'],
      ['PATCH', `/api/admin/conversations/${target}`, { status: 'locked' }],
      ['PATCH', '/api/admin/conversations/nope', { status: 'melted' }],
      ['GET', `/api/admin/conversations/${target}/messages?around=3`],
      ['GET', `/api/admin/conversations/${target}/messages?before=x`],
      ['POST', participantsPath(target), { userIds: [randomUUID()] }],
      ['POST', `${participantsPath(target)}/remove`, { userIds: [randomUUID()] }],
      ['POST', `${participantsPath(target)}/remove`, { userIds: 1 }]
    ]
    for (const [method, path, body] of calls) {
      const res = await api(admin.base, method, path, { body })
      expect(res.status, `${method} ${path}`).toBe(401)
      expect(res.body.error?.code, `${method} ${path}`).toBe('UNAUTHENTICATED')
    }
  })
})

describe('admin conversation list', () => {
  it('lists every conversation with project name and head count, filtered and paged', async () => {
    const owner = await signUp('Owner')
    const guest = await signUp('Guest')
    const title = `ops-${randomUUID().slice(0, 8)}`
    const { projectId, conversation } = await setupConversation(owner, [guest], title)

    const byProject = await api<{ conversations: AdminConversation[], total: number }>(admin.base, 'GET', `/api/admin/conversations?projectId=${projectId}`, { token: admin.token })
    expect(byProject.status).toBe(200)
    // A new project has its "general" conversation plus the one created here.
    expect(byProject.body.total).toBe(2)
    const row = byProject.body.conversations.find(c => c.id === conversation.id)
    expect(row).toMatchObject({
      id: conversation.id, projectId, projectName: `p-${title}`, type: 'group', title, status: 'active',
      lastSeq: 0, lastMessageAt: null, participantCount: 2, messageCount: 0, settings: { slowModeSeconds: 0 }
    })

    const byTitle = await api<{ conversations: AdminConversation[], total: number }>(admin.base, 'GET', `/api/admin/conversations?q=${title.slice(0, 10).toUpperCase()}`, { token: admin.token })
    expect(byTitle.body.conversations.map(c => c.id)).toEqual([conversation.id])
    expect(byTitle.body.total).toBe(1)

    // The guest was also put in the project's "general" when added to the project.
    const byUser = await api<{ conversations: AdminConversation[] }>(admin.base, 'GET', `/api/admin/conversations?userId=${guest.user.id}`, { token: admin.token })
    expect(byUser.body.conversations.map(c => c.id).sort()).toEqual(byProject.body.conversations.map(c => c.id).sort())
    const groupsOfUser = await api<{ conversations: AdminConversation[] }>(admin.base, 'GET', `/api/admin/conversations?userId=${guest.user.id}&type=group`, { token: admin.token })
    expect(groupsOfUser.body.conversations.map(c => c.id)).toEqual([conversation.id])

    const archived = await api<{ conversations: AdminConversation[], total: number }>(admin.base, 'GET', `/api/admin/conversations?projectId=${projectId}&status=archived`, { token: admin.token })
    expect(archived.body).toEqual({ conversations: [], total: 0 })

    const paged = await api<{ conversations: AdminConversation[], total: number }>(admin.base, 'GET', `/api/admin/conversations?projectId=${projectId}&limit=1&offset=1`, { token: admin.token })
    expect(paged.body.conversations).toHaveLength(1)
    expect(paged.body.total).toBe(2)

    // Empty filter values (a cleared select) mean "no filter", not a validation error.
    const cleared = await api(admin.base, 'GET', `/api/admin/conversations?projectId=${projectId}&status=&q=`, { token: admin.token })
    expect(cleared.status).toBe(200)
  })

  it('treats LIKE wildcards in q literally', async () => {
    const res = await api<{ conversations: AdminConversation[], total: number }>(admin.base, 'GET', `/api/admin/conversations?q=${encodeURIComponent('%_no-such-title_%')}`, { token: admin.token })
    expect(res.status).toBe(200)
    expect(res.body.total).toBe(0)
  })

  it('finds users for the participant picker by name or email', async () => {
    const someone = await signUp('Zebediah')
    const res = await api<{ users: AdminUser[] }>(admin.base, 'GET', `/api/admin/users?q=${encodeURIComponent(someone.user.email)}`, { token: admin.token })
    expect(res.status).toBe(200)
    expect(res.body.users).toEqual([{ id: someone.user.id, email: someone.user.email, displayName: 'Zebediah', avatarUrl: null, role: 'member' }])
  })
})

describe('admin participant management', () => {
  it('adds, re-roles and removes a participant, with realtime membership following at once', async () => {
    const owner = await signUp('Owner')
    const carol = await signUp('Carol')
    const { conversation } = await setupConversation(owner, [], 'admin-managed')
    // Carol's socket is open before she is added: she must start receiving without reconnecting.
    const carolSocket = await connect(carol)

    const before = await api(carol.base, 'GET', `/api/conversations/${conversation.id}/messages`, { token: carol.token })
    expect(before.status).toBe(403)

    const announced = nextEvent<{ conversation: { id: string } }>(carolSocket, 'conversation:updated', p => p.conversation.id === conversation.id)
    const added = await api<Participants>(admin.base, 'POST', participantsPath(conversation.id), { token: admin.token, body: { userId: carol.user.id, role: 'member' } })
    expect(added.status).toBe(200)
    expect(added.body.participants.find(p => p.userId === carol.user.id)).toMatchObject({ role: 'member', email: carol.user.email, displayName: 'Carol' })
    await announced

    const history = await api<{ messages: Message[] }>(carol.base, 'GET', `/api/conversations/${conversation.id}/messages`, { token: carol.token })
    expect(history.status).toBe(200)

    const delivered = nextEvent<{ message: Message }>(carolSocket, 'message:new', p => p.message.conversationId === conversation.id)
    const sent = await api<{ message: Message }>(owner.base, 'POST', `/api/conversations/${conversation.id}/messages`, { token: owner.token, body: { clientId: randomUUID(), content: 'welcome carol' } })
    expect(sent.status).toBe(200)
    expect((await delivered).message.id).toBe(sent.body.message.id)

    const listed = await api<Participants>(admin.base, 'GET', participantsPath(conversation.id), { token: admin.token })
    expect(listed.body.participants.map(p => p.userId).sort()).toEqual([owner.user.id, carol.user.id].sort())

    const changed = await api<Participants>(admin.base, 'PATCH', participantsPath(conversation.id, carol.user.id), { token: admin.token, body: { role: 'admin' } })
    expect(changed.status).toBe(200)
    expect(changed.body.participants.find(p => p.userId === carol.user.id)?.role).toBe('admin')
    const carolView = await api<{ conversation: { myRole: string } }>(carol.base, 'GET', `/api/conversations/${conversation.id}`, { token: carol.token })
    expect(carolView.body.conversation.myRole).toBe('admin')

    const told = nextEvent<{ conversationId: string }>(carolSocket, 'conversation:removed', p => p.conversationId === conversation.id)
    const removed = await api<Participants>(admin.base, 'DELETE', participantsPath(conversation.id, carol.user.id), { token: admin.token })
    expect(removed.status).toBe(200)
    expect(removed.body.participants.map(p => p.userId)).toEqual([owner.user.id])
    // Her open windows learn at once that the conversation is gone.
    expect(await told).toEqual({ conversationId: conversation.id })

    const after = await api(carol.base, 'GET', `/api/conversations/${conversation.id}/messages`, { token: carol.token })
    expect(after.status).toBe(403)
    expect(after.body.error?.code).toBe('FORBIDDEN')

    // Her still-open socket has left the room too.
    const late = collect<{ message: Message }>(carolSocket, 'message:new')
    await api(owner.base, 'POST', `/api/conversations/${conversation.id}/messages`, { token: owner.token, body: { clientId: randomUUID(), content: 'after removal' } })
    await sleep(500)
    late.stop()
    expect(late.items.filter(p => p.message.conversationId === conversation.id)).toEqual([])

    const again = await api(admin.base, 'DELETE', participantsPath(conversation.id, carol.user.id), { token: admin.token })
    expect(again.status).toBe(404)
    expect(again.body.error?.code).toBe('NOT_FOUND')
  })

  it('records every participant change in the audit log, newest first, with the admin named', async () => {
    const owner = await signUp('Owner')
    const dave = await signUp('Dave')
    const { conversation } = await setupConversation(owner, [], 'audited')
    await api(admin.base, 'POST', participantsPath(conversation.id), { token: admin.token, body: { userId: dave.user.id, role: 'member' } })
    await api(admin.base, 'PATCH', participantsPath(conversation.id, dave.user.id), { token: admin.token, body: { role: 'owner' } })
    await api(admin.base, 'DELETE', participantsPath(conversation.id, dave.user.id), { token: admin.token })

    const res = await api<{ entries: AuditEntry[] }>(admin.base, 'GET', `/api/admin/audit?targetId=${conversation.id}`, { token: admin.token })
    expect(res.status).toBe(200)
    expect(res.body.entries.map(e => [e.action, e.details])).toEqual([
      ['participant.remove', { userId: dave.user.id }],
      ['participant.role', { userId: dave.user.id, role: 'owner' }],
      ['participant.add', { userId: dave.user.id, role: 'member' }]
    ])
    for (const entry of res.body.entries) {
      expect(entry).toMatchObject({
        targetType: 'conversation', targetId: conversation.id, targetLabel: 'audited',
        actor: { id: admin.user.id, displayName: admin.user.displayName, email: 'admin@example.com' },
        subject: { id: dave.user.id, displayName: 'Dave' }
      })
    }

    const latest = await api<{ entries: AuditEntry[] }>(admin.base, 'GET', '/api/admin/audit?limit=1', { token: admin.token })
    expect(latest.body.entries).toHaveLength(1)
    expect(latest.body.entries[0]!.id).toBe(res.body.entries[0]!.id)
  })

  it('rejects bad input with VALIDATION naming the fields, and changes nothing', async () => {
    const owner = await signUp('Owner')
    const erin = await signUp('Erin')
    const { conversation } = await setupConversation(owner, [], 'validated')
    const fieldsOf = (body: { error?: { details?: Record<string, unknown> } }) =>
      (body.error?.details?.fields as { field: string }[] | undefined)?.map(f => f.field)

    const badBody = await api(admin.base, 'POST', participantsPath(conversation.id), { token: admin.token, body: { userId: 'nope', role: 'king' } })
    expect(badBody.status).toBe(400)
    expect(badBody.body.error?.code).toBe('VALIDATION')
    expect(fieldsOf(badBody.body)).toEqual(['userId', 'role'])

    const notJson = await api(admin.base, 'POST', participantsPath(conversation.id), { token: admin.token, raw: '{oops' })
    expect(notJson.status).toBe(400)
    expect(fieldsOf(notJson.body)).toEqual(['(body)'])

    const badParam = await api(admin.base, 'PATCH', participantsPath('not-a-uuid', 'also-not'), { token: admin.token, body: { role: 'admin' } })
    expect(badParam.status).toBe(400)
    expect(fieldsOf(badParam.body)).toEqual(['id', 'userId'])

    const badRole = await api(admin.base, 'PATCH', participantsPath(conversation.id, owner.user.id), { token: admin.token, body: { role: 'emperor' } })
    expect(badRole.status).toBe(400)
    expect(fieldsOf(badRole.body)).toEqual(['role'])

    const badQuery = await api(admin.base, 'GET', '/api/admin/conversations?projectId=x&status=gone&limit=1000', { token: admin.token })
    expect(badQuery.status).toBe(400)
    expect(fieldsOf(badQuery.body)).toEqual(['projectId', 'status', 'limit'])

    const badAudit = await api(admin.base, 'GET', '/api/admin/audit?limit=0', { token: admin.token })
    expect(badAudit.status).toBe(400)
    expect(fieldsOf(badAudit.body)).toEqual(['limit'])

    const unknownUser = await api(admin.base, 'POST', participantsPath(conversation.id), { token: admin.token, body: { userId: randomUUID() } })
    expect(unknownUser.status).toBe(404)
    const unknownConversation = await api(admin.base, 'GET', participantsPath(randomUUID()), { token: admin.token })
    expect(unknownConversation.status).toBe(404)

    const listed = await api<Participants>(admin.base, 'GET', participantsPath(conversation.id), { token: admin.token })
    expect(listed.body.participants.map(p => [p.userId, p.role])).toEqual([[owner.user.id, 'owner']])
    expect(listed.body.participants.some(p => p.userId === erin.user.id)).toBe(false)
    const audit = await api<{ entries: AuditEntry[] }>(admin.base, 'GET', `/api/admin/audit?targetId=${conversation.id}`, { token: admin.token })
    expect(audit.body.entries).toEqual([])
  })

  it('keeps direct messages to their two participants', async () => {
    const owner = await signUp('Owner')
    const peer = await signUp('Peer')
    const third = await signUp('Third')
    await setupConversation(owner, [peer], 'dm-host')
    const dm = await api<{ conversation: { id: string } }>(owner.base, 'POST', '/api/dm', { token: owner.token, body: { userId: peer.user.id } })
    expect(dm.status).toBe(200)
    const res = await api(admin.base, 'POST', participantsPath(dm.body.conversation.id), { token: admin.token, body: { userId: third.user.id } })
    expect(res.status).toBe(409)
    expect(res.body.error?.code).toBe('CONFLICT')
    const removal = await api(admin.base, 'DELETE', participantsPath(dm.body.conversation.id, peer.user.id), { token: admin.token })
    expect(removal.status).toBe(409)

    const listed = await api<{ conversations: AdminConversation[] }>(admin.base, 'GET', `/api/admin/conversations?userId=${peer.user.id}&type=direct`, { token: admin.token })
    expect(listed.body.conversations.map(c => c.title)).toEqual(['Owner & Peer'])
  })
})
