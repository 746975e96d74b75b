import { randomUUID } from 'node:crypto'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { AdminConversation, AdminHistoryPage, AuditEntry } from '#admin-shared/admin-schemas'
import type { Conversation, Message, Participant } from '#shared/types'
import { api, closeAllSockets, collect, connect, logIn, must, nextEvent, send, sendOk, setupConversation, signUp, sleep, type Session } from '../support/helpers'

afterEach(() => closeAllSockets())

let admin: Session
beforeAll(async () => {
  admin = await logIn('admin@example.com')
})

type Listed = { conversations: AdminConversation[], total: number }
const conversationPath = (id: string) => `/api/admin/conversations/${id}`
const patch = (id: string, body: unknown) => api<{ conversation: AdminConversation }>(admin.base, 'PATCH', conversationPath(id), { token: admin.token, body })
const codeOf = (reply: Awaited<ReturnType<typeof send>>) => reply.ok ? 'ok' : reply.error.code
const auditOf = async (id: string, action?: string) =>
  must(await api<{ entries: AuditEntry[] }>(admin.base, 'GET', `/api/admin/audit?targetId=${id}${action ? `&action=${action}` : ''}`, { token: admin.token }), 'audit').entries
const fieldsOf = (body: { error?: { details?: Record<string, unknown> } }) =>
  (body.error?.details?.fields as { field: string }[] | undefined)?.map(f => f.field)

/** An owner and two members in a group, the members connected. */
async function scene(title = 'managed') {
  const owner = await signUp('Owner')
  const ann = await signUp('Ann')
  const ben = await signUp('Ben')
  const { projectId, conversation } = await setupConversation(owner, [ann, ben], title)
  return { owner, ann, ben, projectId, conversation, annSocket: await connect(ann), benSocket: await connect(ben), ownerSocket: await connect(owner) }
}

const updatedFor = (socket: Awaited<ReturnType<typeof connect>>, id: string, check: (c: Conversation) => boolean) =>
  nextEvent<{ conversation: Conversation }>(socket, 'conversation:updated', p => p.conversation.id === id && check(p.conversation))
const systemLine = (socket: Awaited<ReturnType<typeof connect>>, id: string, text: string) =>
  nextEvent<{ message: Message }>(socket, 'message:new', p => p.message.conversationId === id && p.message.type === 'system' && p.message.content === text)

describe('admin locks, archives, slows down and renames a conversation', () => {
  it('lock: members and the owner are refused with CONVERSATION_LOCKED, the others see it live, unlock reopens', async () => {
    const { conversation, annSocket, benSocket, ownerSocket } = await scene()
    const benSees = updatedFor(benSocket, conversation.id, c => c.status === 'locked')
    const line = systemLine(benSocket, conversation.id, 'An admin locked this conversation')
    const res = await patch(conversation.id, { status: 'locked' })
    expect(res.status).toBe(200)
    expect(res.body.conversation).toMatchObject({ id: conversation.id, status: 'locked', title: 'managed' })
    // Ben's client gets his own member view of the conversation, at once.
    expect((await benSees).conversation).toMatchObject({ id: conversation.id, status: 'locked', myRole: 'member', unreadCount: expect.any(Number) })
    expect((await line).message.sender.id).toBe(admin.user.id)

    const refused = await send(annSocket, conversation.id, 'can I still talk?')
    expect(codeOf(refused)).toBe('CONVERSATION_LOCKED')
    // An admin's lock binds the group's creator too ("moderators pass locks" was a way around it).
    expect(codeOf(await send(ownerSocket, conversation.id, 'the owner moderates'))).toBe('CONVERSATION_LOCKED')

    const reopened = updatedFor(annSocket, conversation.id, c => c.status === 'active')
    expect((await patch(conversation.id, { status: 'active' })).body.conversation.status).toBe('active')
    await reopened
    expect(codeOf(await send(annSocket, conversation.id, 'back again'))).toBe('ok')

    expect((await auditOf(conversation.id, 'conversation.update')).map(e => e.details)).toEqual([
      { before: { status: 'locked' }, after: { status: 'active' } },
      { before: { status: 'active' }, after: { status: 'locked' } }
    ])
  })

  it('archive and unarchive, each said in the timeline and audited', async () => {
    const { owner, conversation, annSocket } = await scene()
    const lines = collect<{ message: Message }>(annSocket, 'message:new')
    expect((await patch(conversation.id, { status: 'archived' })).body.conversation.status).toBe('archived')
    expect(codeOf(await send(annSocket, conversation.id, 'in the archive'))).toBe('CONVERSATION_LOCKED')
    const archivedView = must(await api<{ conversations: AdminConversation[] }>(admin.base, 'GET', `/api/admin/conversations?status=archived&q=${encodeURIComponent('managed')}&userId=${owner.user.id}`, { token: admin.token }), 'list')
    expect(archivedView.conversations.map(c => c.id)).toEqual([conversation.id])
    expect((await patch(conversation.id, { status: 'active' })).body.conversation.status).toBe('active')
    await sleep(300)
    lines.stop()
    expect(lines.items.filter(p => p.message.type === 'system').map(p => p.message.content))
      .toEqual(['An admin archived this conversation', 'An admin unarchived this conversation'])
    const audit = await auditOf(conversation.id, 'conversation.update')
    expect(audit.map(e => e.details)).toEqual([
      { before: { status: 'archived' }, after: { status: 'active' } },
      { before: { status: 'active' }, after: { status: 'archived' } }
    ])
    expect(audit[0]).toMatchObject({ actor: { id: admin.user.id }, targetType: 'conversation', targetId: conversation.id })
  })

  it('slow mode: a member\'s second message gets SLOW_MODE with retryAfterMs, the owner too, turning it off lifts it', async () => {
    const { conversation, annSocket, benSocket, ownerSocket } = await scene()
    const benSees = updatedFor(benSocket, conversation.id, c => c.settings.slowModeSeconds === 30)
    const res = await patch(conversation.id, { settings: { slowModeSeconds: 30 } })
    expect(res.body.conversation.settings).toMatchObject({ slowModeSeconds: 30 })
    await benSees
    expect(codeOf(await send(annSocket, conversation.id, 'first'))).toBe('ok')
    const second = await send(annSocket, conversation.id, 'second')
    expect(codeOf(second)).toBe('SLOW_MODE')
    const wait = second.ok ? 0 : Number(second.error.details?.retryAfterMs)
    expect(wait).toBeGreaterThan(0)
    expect(wait).toBeLessThanOrEqual(30_000)
    expect(codeOf(await send(ownerSocket, conversation.id, 'one'))).toBe('ok')
    expect(codeOf(await send(ownerSocket, conversation.id, 'two'))).toBe('SLOW_MODE')

    await patch(conversation.id, { settings: { slowModeSeconds: 0 } })
    expect(codeOf(await send(annSocket, conversation.id, 'free again'))).toBe('ok')
    expect((await auditOf(conversation.id, 'conversation.update')).map(e => e.details)).toEqual([
      { before: { slowModeSeconds: 30 }, after: { slowModeSeconds: 0 } },
      { before: { slowModeSeconds: 0 }, after: { slowModeSeconds: 30 } }
    ])
  })

  it('rename and pin rights reach every participant live; several changes are one audit entry', async () => {
    const { ann, conversation, annSocket, benSocket } = await scene()
    const annSees = updatedFor(annSocket, conversation.id, c => c.title === 'incident-42')
    const benSees = updatedFor(benSocket, conversation.id, c => c.title === 'incident-42' && c.settings.membersCanPin === true)
    const res = await patch(conversation.id, { title: '  incident-42 ', settings: { membersCanPin: true } })
    expect(res.status).toBe(200)
    expect(res.body.conversation).toMatchObject({ title: 'incident-42', settings: { membersCanPin: true } })
    await Promise.all([annSees, benSees])
    const view = must(await api<{ conversation: Conversation }>(ann.base, 'GET', `/api/conversations/${conversation.id}`, { token: ann.token }), 'member view')
    expect(view.conversation.title).toBe('incident-42')
    expect((await auditOf(conversation.id, 'conversation.update')).map(e => e.details)).toEqual([
      { before: { title: 'managed', membersCanPin: false }, after: { title: 'incident-42', membersCanPin: true } }
    ])

    // The same values again change nothing and record nothing.
    const again = await patch(conversation.id, { title: 'incident-42' })
    expect(again.status).toBe(200)
    expect(await auditOf(conversation.id, 'conversation.update')).toHaveLength(1)
  })

  it('refuses bad input with VALIDATION naming the field and changes nothing', async () => {
    const { owner, ann, conversation } = await scene()
    const before = must(await api<{ conversation: AdminConversation }>(admin.base, 'GET', conversationPath(conversation.id), { token: admin.token }), 'before').conversation
    const cases: [unknown, string[]][] = [
      [{ status: 'melted' }, ['status']],
      [{ settings: { slowModeSeconds: -1 } }, ['settings.slowModeSeconds']],
      [{ settings: { slowModeSeconds: 1.5 } }, ['settings.slowModeSeconds']],
      [{ settings: { slowModeSeconds: 999_999 } }, ['settings.slowModeSeconds']],
      [{ title: '   ' }, ['title']],
      [{ title: 'x'.repeat(101) }, ['title']],
      [{ status: 'locked', color: 'red' }, ['(body)']],
      [{ settings: { theme: 'dark' } }, ['settings']],
      [{}, ['(body)']]
    ]
    for (const [body, fields] of cases) {
      const res = await patch(conversation.id, body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.body.error?.code).toBe('VALIDATION')
      expect(fieldsOf(res.body), JSON.stringify(body)).toEqual(fields)
    }
    const badId = await patch('not-a-uuid', { status: 'locked' })
    expect(badId.status).toBe(400)
    expect(fieldsOf(badId.body)).toEqual(['id'])
    expect((await patch(randomUUID(), { status: 'locked' })).status).toBe(404)

    // Direct messages have no title to change; their status can still be set.
    const dm = must(await api<{ conversation: { id: string } }>(owner.base, 'POST', '/api/dm', { token: owner.token, body: { userId: ann.user.id } }), 'dm').conversation
    const renameDm = await patch(dm.id, { title: 'secret', status: 'locked' })
    expect(renameDm.status).toBe(400)
    expect(fieldsOf(renameDm.body)).toEqual(['title'])
    const dmAfter = must(await api<{ conversation: AdminConversation }>(admin.base, 'GET', conversationPath(dm.id), { token: admin.token }), 'dm after').conversation
    expect(dmAfter.status).toBe('active')

    const after = must(await api<{ conversation: AdminConversation }>(admin.base, 'GET', conversationPath(conversation.id), { token: admin.token }), 'after').conversation
    expect(after).toEqual(before)
    expect(await auditOf(conversation.id)).toEqual([])
    expect(await auditOf(dm.id)).toEqual([])
  })
})

describe('admin conversation list: sort, filter, paging', () => {
  it('sorts by each key both ways, pages without overlap, and keeps the total', async () => {
    const owner = await signUp('Sorter')
    const x = await signUp('X')
    const y = await signUp('Y')
    const { projectId } = await setupConversation(owner, [x, y], 'bravo')
    const create = async (title: string, people: Session[]) => must(await api<{ conversation: Conversation }>(owner.base, 'POST', `/api/projects/${projectId}/conversations`, {
      token: owner.token, body: { title, type: 'group', participantIds: people.map(p => p.user.id) }
    }), title).conversation
    const alpha = await create('Alpha', [x])
    const charlie = await create('charlie', [])
    const socket = await connect(owner)
    for (let i = 0; i < 3; i++) await sendOk(socket, alpha.id, `a${i}`)
    await sendOk(socket, charlie.id, 'c0')

    const list = async (query: string) => must(await api<Listed>(admin.base, 'GET', `/api/admin/conversations?projectId=${projectId}&type=group&${query}`, { token: admin.token }), query)
    const titles = async (query: string) => (await list(query)).conversations.map(c => c.title)

    expect(await titles('sort=title&order=asc')).toEqual(['Alpha', 'bravo', 'charlie'])
    expect(await titles('sort=title&order=desc')).toEqual(['charlie', 'bravo', 'Alpha'])
    expect(await titles('sort=messages&order=desc')).toEqual(['Alpha', 'charlie', 'bravo'])
    expect(await titles('sort=messages&order=asc')).toEqual(['bravo', 'charlie', 'Alpha'])
    expect(await titles('sort=participants&order=desc')).toEqual(['bravo', 'Alpha', 'charlie'])
    expect(await titles('sort=participants&order=asc')).toEqual(['charlie', 'Alpha', 'bravo'])
    expect(await titles('sort=created&order=asc')).toEqual(['bravo', 'Alpha', 'charlie'])
    expect(await titles('sort=created&order=desc')).toEqual(['charlie', 'Alpha', 'bravo'])
    // Last activity, the default: the most recent message first, never-active last either way.
    expect(await titles('')).toEqual(['charlie', 'Alpha', 'bravo'])
    expect(await titles('sort=lastActivity&order=asc')).toEqual(['Alpha', 'charlie', 'bravo'])

    const pages = [await list('sort=title&order=asc&limit=2&offset=0'), await list('sort=title&order=asc&limit=2&offset=2')]
    expect(pages.map(p => p.total)).toEqual([3, 3])
    expect(pages.flatMap(p => p.conversations.map(c => c.title))).toEqual(['Alpha', 'bravo', 'charlie'])
    expect((await list('sort=title&order=asc&limit=2&offset=4')).conversations).toEqual([])

    expect(await titles(`userId=${x.user.id}&sort=title&order=asc`)).toEqual(['Alpha', 'bravo'])
    expect(await titles(`userId=${y.user.id}`)).toEqual(['bravo'])
    expect(await titles('q=ALP')).toEqual(['Alpha'])
    const counts = await list('sort=title&order=asc')
    expect(counts.conversations.map(c => [c.messageCount, c.participantCount])).toEqual([[3, 2], [0, 3], [1, 1]])

    const bad = await api(admin.base, 'GET', '/api/admin/conversations?sort=size&order=up', { token: admin.token })
    expect(bad.status).toBe(400)
    expect(fieldsOf(bad.body)).toEqual(['sort', 'order'])
  })
})

describe('admin read-only history', () => {
  it('includes deleted messages with their text, who deleted them and when; edits and thread replies are marked', async () => {
    const { owner, ann, conversation, annSocket, ownerSocket } = await scene('history')
    const first = await sendOk(annSocket, conversation.id, 'hello everyone')
    const rude = await sendOk(annSocket, conversation.id, 'something **rude**')
    const typo = await sendOk(ownerSocket, conversation.id, 'teh plan')
    const reply = must(await api<{ message: Message }>(ann.base, 'POST', `/api/conversations/${conversation.id}/messages`, {
      token: ann.token, body: { clientId: randomUUID(), content: 'in the thread', threadRootId: first.id }
    }), 'reply').message
    const mine = await sendOk(annSocket, conversation.id, 'oops, wrong room')
    must(await api(owner.base, 'PATCH', `/api/messages/${typo.id}`, { token: owner.token, body: { content: 'the plan' } }), 'edit')
    must(await api(owner.base, 'DELETE', `/api/messages/${rude.id}`, { token: owner.token }), 'moderator delete')
    must(await api(ann.base, 'DELETE', `/api/messages/${mine.id}`, { token: ann.token }), 'own delete')

    const page = must(await api<AdminHistoryPage>(admin.base, 'GET', `${conversationPath(conversation.id)}/messages`, { token: admin.token }), 'history')
    expect(page).toMatchObject({ hasMoreBefore: false, hasMoreAfter: false })
    const byId = new Map(page.messages.map(m => [m.id, m]))
    expect(page.messages.map(m => m.seq)).toEqual([...page.messages.map(m => m.seq)].sort((a, b) => a - b))
    expect(byId.get(rude.id)).toMatchObject({
      deleted: true, content: 'something **rude**', contentHtml: expect.stringContaining('<strong>rude</strong>'),
      deletedAt: expect.any(String), deletedBy: { id: owner.user.id, displayName: 'Owner' }
    })
    expect(byId.get(mine.id)).toMatchObject({ deleted: true, content: 'oops, wrong room', deletedBy: { id: ann.user.id, displayName: 'Ann' } })
    expect(byId.get(typo.id)).toMatchObject({ deleted: false, edited: true, content: 'the plan', deletedBy: null, editedAt: expect.any(String) })
    expect(byId.get(reply.id)).toMatchObject({ isReply: true, threadRootId: first.id, content: 'in the thread' })
    expect(byId.get(first.id)).toMatchObject({ isReply: false, deleted: false, edited: false })

    // What members see is unchanged: the deleted text stays hidden from them.
    const memberView = must(await api<{ messages: Message[] }>(ann.base, 'GET', `/api/conversations/${conversation.id}/messages`, { token: ann.token }), 'member')
    expect(memberView.messages.find(m => m.id === rude.id)?.content).toBe('')
  })

  it('pages before, after and around a seq with hasMore flags on both sides', async () => {
    const { conversation, annSocket } = await scene('paging')
    const sent: Message[] = []
    for (let i = 0; i < 7; i++) sent.push(await sendOk(annSocket, conversation.id, `m${i}`))
    const page = async (query: string) => must(await api<AdminHistoryPage>(admin.base, 'GET', `${conversationPath(conversation.id)}/messages?${query}`, { token: admin.token }), query)
    const contents = (p: AdminHistoryPage) => p.messages.map(m => m.content)

    const newest = await page('limit=3')
    expect(contents(newest)).toEqual(['m4', 'm5', 'm6'])
    expect(newest).toMatchObject({ hasMoreBefore: true, hasMoreAfter: false })
    const older = await page(`limit=3&before=${sent[4]!.seq}`)
    expect(contents(older)).toEqual(['m1', 'm2', 'm3'])
    expect(older).toMatchObject({ hasMoreBefore: true, hasMoreAfter: true })
    const newer = await page(`limit=3&after=${sent[1]!.seq}`)
    expect(contents(newer)).toEqual(['m2', 'm3', 'm4'])
    const around = await page(`limit=5&around=${sent[3]!.seq}`)
    expect(contents(around)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5'])
    expect(around).toMatchObject({ hasMoreBefore: true, hasMoreAfter: true })
    const start = await page(`limit=4&around=${sent[0]!.seq}`)
    expect(contents(start)).toEqual(['m0', 'm1', 'm2', 'm3'])
    expect(start.hasMoreBefore).toBe(false)
    const pastEnd = await page(`after=${sent[6]!.seq}`)
    expect(pastEnd).toEqual({ messages: [], hasMoreBefore: true, hasMoreAfter: false })

    const bad = await api(admin.base, 'GET', `${conversationPath(conversation.id)}/messages?before=1&after=2`, { token: admin.token })
    expect(bad.status).toBe(400)
    expect(fieldsOf(bad.body)).toEqual(['before'])
    const badLimit = await api(admin.base, 'GET', `${conversationPath(conversation.id)}/messages?limit=0&around=x`, { token: admin.token })
    expect(fieldsOf(badLimit.body)).toEqual(['around', 'limit'])
    expect((await api(admin.base, 'GET', `${conversationPath(randomUUID())}/messages`, { token: admin.token })).status).toBe(404)
  })
})

describe('admin bulk participants', () => {
  const participantsPath = (id: string) => `/api/admin/conversations/${id}/participants`

  it('adds several users with one role and removes several at once, live and audited per person', async () => {
    const owner = await signUp('Owner')
    const people = await Promise.all(['Pat', 'Quinn', 'Ray'].map(n => signUp(n)))
    const { conversation } = await setupConversation(owner, [], 'bulk')
    const sockets = await Promise.all(people.map(p => connect(p)))
    const ownerSocket = await connect(owner)

    const joined = sockets.map(s => updatedFor(s, conversation.id, c => c.myRole === 'admin'))
    const line = systemLine(ownerSocket, conversation.id, `${admin.user.displayName} added Pat, Quinn and Ray`)
    const added = await api<{ participants: Participant[] }>(admin.base, 'POST', participantsPath(conversation.id), {
      token: admin.token, body: { userIds: people.map(p => p.user.id), role: 'admin' }
    })
    expect(added.status).toBe(200)
    expect(added.body.participants.map(p => [p.displayName, p.role]).sort()).toEqual([['Owner', 'owner'], ['Pat', 'admin'], ['Quinn', 'admin'], ['Ray', 'admin']])
    await Promise.all(joined)
    await line
    // Their open sockets joined the room: a new message reaches all three.
    const delivered = sockets.map(s => nextEvent<{ message: Message }>(s, 'message:new', p => p.message.content === 'welcome all'))
    await sendOk(ownerSocket, conversation.id, 'welcome all')
    await Promise.all(delivered)

    const told = [0, 1].map(i => nextEvent<{ conversationId: string }>(sockets[i]!, 'conversation:removed', p => p.conversationId === conversation.id))
    const removed = await api<{ participants: Participant[], removed: string[] }>(admin.base, 'POST', `${participantsPath(conversation.id)}/remove`, {
      token: admin.token, body: { userIds: [people[0]!.user.id, people[1]!.user.id, randomUUID()] }
    })
    expect(removed.status).toBe(200)
    expect(removed.body.removed).toEqual([people[0]!.user.id, people[1]!.user.id])
    expect(removed.body.participants.map(p => p.displayName).sort()).toEqual(['Owner', 'Ray'])
    await Promise.all(told)
    const denied = await api(people[0]!.base, 'GET', `/api/conversations/${conversation.id}/messages`, { token: people[0]!.token })
    expect(denied.status).toBe(403)

    const audit = await auditOf(conversation.id)
    expect(audit.map(e => [e.action, e.details.userId, e.details.role]).sort()).toEqual([
      ['participant.add', people[0]!.user.id, 'admin'], ['participant.add', people[1]!.user.id, 'admin'], ['participant.add', people[2]!.user.id, 'admin'],
      ['participant.remove', people[0]!.user.id, undefined], ['participant.remove', people[1]!.user.id, undefined]
    ].sort())
  })

  it('is all or nothing: an unknown user adds nobody; removing non-participants is NOT_FOUND; DMs keep their two', async () => {
    const owner = await signUp('Owner')
    const sam = await signUp('Sam')
    const { conversation } = await setupConversation(owner, [], 'bulk-strict')
    // Sam shares a project with the owner only through this other one, so the DM below is allowed.
    await setupConversation(owner, [sam], 'bulk-dm-host')
    const ghost = randomUUID()
    const res = await api(admin.base, 'POST', participantsPath(conversation.id), { token: admin.token, body: { userIds: [sam.user.id, ghost] } })
    expect(res.status).toBe(404)
    expect(res.body.error?.details).toEqual({ fields: [{ field: 'userIds', message: `${ghost} not found` }] })
    const listed = must(await api<{ participants: Participant[] }>(admin.base, 'GET', participantsPath(conversation.id), { token: admin.token }), 'list')
    expect(listed.participants.map(p => p.userId)).toEqual([owner.user.id])

    const both = await api(admin.base, 'POST', participantsPath(conversation.id), { token: admin.token, body: { userId: sam.user.id, userIds: [sam.user.id] } })
    expect(both.status).toBe(400)
    expect(fieldsOf(both.body)).toEqual(['userId'])
    const empty = await api(admin.base, 'POST', participantsPath(conversation.id), { token: admin.token, body: { userIds: [] } })
    expect(fieldsOf(empty.body)).toEqual(['userIds'])
    const badIds = await api(admin.base, 'POST', `${participantsPath(conversation.id)}/remove`, { token: admin.token, body: { userIds: ['nope'] } })
    expect(fieldsOf(badIds.body)).toEqual(['userIds.0'])
    const nobody = await api(admin.base, 'POST', `${participantsPath(conversation.id)}/remove`, { token: admin.token, body: { userIds: [sam.user.id] } })
    expect(nobody.status).toBe(404)
    expect(await auditOf(conversation.id)).toEqual([])

    const dm = must(await api<{ conversation: { id: string } }>(owner.base, 'POST', '/api/dm', { token: owner.token, body: { userId: sam.user.id } }), 'dm').conversation
    expect((await api(admin.base, 'POST', `${participantsPath(dm.id)}/remove`, { token: admin.token, body: { userIds: [sam.user.id] } })).status).toBe(409)
  })
})
