import { randomUUID } from 'node:crypto'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { NotificationPayload } from '#shared/events'
import type { SearchResponse, SuggestResponse } from '#shared/search-schemas'
import type { Conversation, Message, User } from '#shared/types'
import { ack, api, baseUrl, closeAllSockets, collect, connect, logIn, must, nextEvent, send, sendOk, setupConversation, signUp, sleep, type Session } from '../support/helpers'
import { download, png, upload } from './upload-helpers'

// One gate decides "may this actor read or act here". These attack every path a project ban, an
// account ban or a mute must close. The ban is set through the first server and the attack made
// through the second (the same server on the embedded suite; two instances on Postgres + Redis).

afterEach(() => closeAllSockets())

let admin: Session
beforeAll(async () => {
  admin = await logIn('admin@example.com')
})

const asAdmin = <T>(method: string, path: string, body?: unknown) => api<T>(admin.base, method, path, { token: admin.token, body })
/** The same signed-in user, talking to the other instance. */
const elsewhere = (s: Session): Session => ({ ...s, base: baseUrl(1) })
const codeOf = (reply: { ok: boolean, error?: { code: string } }) => reply.ok ? 'ok' : reply.error!.code

/** Alice owns a project with Bob and Mallory in it and one group of the three; Mallory is connected on the other instance. */
async function project(word = `zebra${randomUUID().slice(0, 6)}`) {
  const [alice, bob, mallory] = await Promise.all([signUp('Alice'), signUp('Bob'), signUp(`Mallory ${word}`)])
  const { projectId, conversation } = await setupConversation(alice, [bob, mallory], `room-${word}`)
  const [a, m] = await Promise.all([connect(alice), connect(elsewhere(mallory))])
  return { alice, bob, mallory: elsewhere(mallory), projectId, conversation, a, m, word }
}

async function banFromProject(userId: string, projectId: string) {
  must(await asAdmin('POST', `/api/admin/users/${userId}/ban`, { projectId, reason: 'abuse' }), 'project ban')
}

async function mute(userId: string) {
  must(await asAdmin('POST', `/api/admin/users/${userId}/mute`, { reason: 'cool down', durationMinutes: 60 }), 'mute')
}

describe('a project ban closes the whole project', () => {
  it('search, suggestions and the member list show nothing of it', async () => {
    const { alice, mallory, a, projectId, conversation, word } = await project()
    await sendOk(a, conversation.id, `the secret ${word} plan`)
    const found = must(await api<SearchResponse>(mallory.base, 'GET', `/api/search?q=${word}`, { token: mallory.token }), 'search before')
    expect(found.total).toBe(1)
    expect((await api(mallory.base, 'GET', `/api/projects/${projectId}/members`, { token: mallory.token })).status).toBe(200)

    await banFromProject(mallory.user.id, projectId)

    const search = must(await api<SearchResponse>(mallory.base, 'GET', `/api/search?q=${word}`, { token: mallory.token }), 'search after')
    expect(search).toMatchObject({ results: [], total: 0 })
    const scoped = await api(mallory.base, 'GET', `/api/search?q=${word}&conversationId=${conversation.id}`, { token: mallory.token })
    expect(scoped.status).toBe(403)
    const members = await api(mallory.base, 'GET', `/api/projects/${projectId}/members`, { token: mallory.token })
    expect([members.status, members.body]).toEqual([403, { error: { code: 'FORBIDDEN', message: expect.any(String) } }])
    const people = must(await api<SuggestResponse>(mallory.base, 'GET', `/api/search/suggest?q=${encodeURIComponent(alice.user.displayName.slice(0, 5))}`, { token: mallory.token }), 'suggest people')
    expect(people.people.map(p => p.id)).not.toContain(alice.user.id)
    const rooms = must(await api<SuggestResponse>(mallory.base, 'GET', `/api/search/suggest?q=room-${word}`, { token: mallory.token }), 'suggest rooms')
    expect(rooms.conversations).toEqual([])
    // Bob, not banned, still finds all of it.
    expect(must(await api<SuggestResponse>(alice.base, 'GET', `/api/search/suggest?q=room-${word}`, { token: alice.token }), 'owner').conversations.map(c => c.id)).toEqual([conversation.id])
  })

  it('its files, fresh links, links signed before the ban and thumbnails are refused', async () => {
    const { alice, mallory, projectId, conversation, a } = await project()
    const up = await upload(alice, conversation.id, png(64, 48), 'plan.png', 'image/png')
    expect(up.status).toBe(200)
    const attachment = up.body.attachment
    const sent = await ack<{ ok: boolean }>(a, 'message:send', { clientId: randomUUID(), conversationId: conversation.id, content: 'the plan', attachmentIds: [attachment.id] })
    expect(sent.ok).toBe(true)
    const link = must(await api<{ url: string, thumbnailUrl: string | null }>(mallory.base, 'GET', `/api/attachments/${attachment.id}/url`, { token: mallory.token }), 'link before')
    expect((await download(mallory, `/api/attachments/${attachment.id}`)).status).toBe(200)
    expect((await download(null, `${mallory.base}${link.url}`)).status).toBe(200)

    await banFromProject(mallory.user.id, projectId)

    expect((await download(mallory, `/api/attachments/${attachment.id}`)).status).toBe(403)
    expect((await download(mallory, `/api/attachments/${attachment.id}/thumbnail`)).status).toBe(403)
    expect((await api(mallory.base, 'GET', `/api/attachments/${attachment.id}/url`, { token: mallory.token })).status).toBe(403)
    expect((await download(null, `${mallory.base}${link.url}`)).status).toBe(403)
    expect((await download(null, `${mallory.base}${link.thumbnailUrl}`)).status).toBe(403)
    // The uploader still has it.
    expect((await download(alice, `/api/attachments/${attachment.id}`)).status).toBe(200)
  })

  it('no notification reaches a banned member, @channel and direct mentions included, and no conversation update with a preview', async () => {
    const { alice, mallory, projectId, conversation, a, m } = await project()
    const heard = collect<NotificationPayload>(m, 'notification')
    const updates = collect<{ conversation: Conversation }>(m, 'conversation:updated')
    const before = nextEvent<NotificationPayload>(m, 'notification', n => n.conversationId === conversation.id)
    await sendOk(a, conversation.id, `hey @${mallory.user.displayName} look`)
    await before
    heard.items.length = 0

    await banFromProject(mallory.user.id, projectId)
    await sendOk(a, conversation.id, '@channel the secret launch date is Friday')
    const dm = must(await api<{ conversation: Conversation }>(alice.base, 'PATCH', `/api/conversations/${conversation.id}`, { token: alice.token, body: { title: 'renamed after the ban' } }), 'rename')
    expect(dm.conversation.title).toBe('renamed after the ban')
    await sleep(500)
    expect(heard.items).toEqual([])
    expect(updates.items.filter(u => u.conversation.id === conversation.id)).toEqual([])
  })

  it('a banned member creates no conversation in it, adds nobody to it and starts no DM through it', async () => {
    const { alice, bob, mallory, projectId } = await project()
    const outsider = await signUp('Outsider')
    await banFromProject(mallory.user.id, projectId)
    const created = await api(mallory.base, 'POST', `/api/projects/${projectId}/conversations`, { token: mallory.token, body: { title: 'backdoor', type: 'group', participantIds: [bob.user.id] } })
    expect([created.status, created.body.error]).toEqual([403, { code: 'FORBIDDEN', message: expect.any(String) }])
    const added = await api(mallory.base, 'POST', `/api/projects/${projectId}/members`, { token: mallory.token, body: { email: outsider.user.email, role: 'member' } })
    expect(added.status).toBe(403)
    const direct = await api(mallory.base, 'POST', '/api/dm', { token: mallory.token, body: { userId: bob.user.id } })
    expect(direct.status).toBe(403)
    // Nothing was made: Bob's sidebar has the original group and #general only.
    const sidebar = must(await api<{ conversations: Conversation[] }>(bob.base, 'GET', `/api/projects/${projectId}/conversations`, { token: bob.token }), 'sidebar')
    expect(sidebar.conversations.map(c => c.title).sort()).toEqual(['general', expect.stringMatching(/^room-/)])
    expect(must(await api<{ members: { userId: string }[] }>(alice.base, 'GET', `/api/projects/${projectId}/members`, { token: alice.token }), 'members').members.map(x => x.userId)).not.toContain(outsider.user.id)
  })

  it('a project conversation created while a member is banned gives them no room and no live update', async () => {
    const { alice, mallory, projectId, m } = await project()
    await banFromProject(mallory.user.id, projectId)
    const told = collect<{ conversation: Conversation }>(m, 'conversation:updated')
    const heard = collect<{ message: Message }>(m, 'message:new')
    const { conversation: wide } = must(await api<{ conversation: Conversation }>(alice.base, 'POST', `/api/projects/${projectId}/conversations`, { token: alice.token, body: { title: 'all-hands', type: 'project', participantIds: [] } }), 'create')
    const a2 = await connect(alice)
    await sendOk(a2, wide.id, 'for everyone but the banned')
    await sleep(400)
    expect(told.items).toEqual([])
    expect(heard.items).toEqual([])
  })
})

describe('an account ban', () => {
  it('stops a download link signed before it at once, not when the link expires', async () => {
    const { alice, mallory, conversation, a } = await project()
    const up = await upload(alice, conversation.id, 'minutes of the meeting', 'minutes.txt', 'text/plain')
    expect(up.status).toBe(200)
    expect((await ack<{ ok: boolean }>(a, 'message:send', { clientId: randomUUID(), conversationId: conversation.id, content: '', attachmentIds: [up.body.attachment.id] })).ok).toBe(true)
    const link = must(await api<{ url: string }>(mallory.base, 'GET', `/api/attachments/${up.body.attachment.id}/url`, { token: mallory.token }), 'link')
    expect((await download(null, `${mallory.base}${link.url}`)).status).toBe(200)
    must(await asAdmin('POST', `/api/admin/users/${mallory.user.id}/ban`, { reason: 'gone' }), 'account ban')
    expect((await download(null, `${mallory.base}${link.url}`)).status).toBe(403)
  })
})

describe('a mute stops writes beyond messages', () => {
  it('a muted owner renames nothing, creates no conversation and keeps their name and picture', async () => {
    const [owner, bob] = await Promise.all([signUp('Owner'), signUp('Bob')])
    const { projectId, conversation } = await setupConversation(owner, [bob], 'muted-owner')
    const b = await connect(bob)
    const lines = collect<{ message: Message }>(b, 'message:new')
    await mute(owner.user.id)
    const muted = elsewhere(owner)

    const rename = await api(muted.base, 'PATCH', `/api/conversations/${conversation.id}`, { token: muted.token, body: { title: '[click me](http://evil.example)' } })
    expect([rename.status, rename.body.error?.code]).toEqual([403, 'MUTED'])
    expect(rename.body.error?.details).toMatchObject({ reason: 'cool down', until: expect.any(String) })
    const create = await api(muted.base, 'POST', `/api/projects/${projectId}/conversations`, { token: muted.token, body: { title: 'spam', type: 'group', participantIds: [bob.user.id] } })
    expect([create.status, create.body.error?.code]).toEqual([403, 'MUTED'])
    const name = await api(muted.base, 'PATCH', '/api/me', { token: muted.token, body: { displayName: 'Admin Team' } })
    expect([name.status, name.body.error?.code]).toEqual([403, 'MUTED'])
    const form = new FormData()
    form.append('file', new Blob([new Uint8Array(png(32, 32))], { type: 'image/png' }), 'a.png')
    const avatar = await fetch(`${muted.base}/api/me/avatar`, { method: 'POST', headers: { authorization: `Bearer ${muted.token}` }, body: form })
    expect(avatar.status).toBe(403)
    // What does not reach anyone else stays theirs to change.
    expect((await api(muted.base, 'PATCH', '/api/me', { token: muted.token, body: { readReceipts: false } })).status).toBe(200)

    await sleep(300)
    expect(lines.items).toEqual([])
    const me = must(await api<{ user: User }>(muted.base, 'GET', '/api/me', { token: muted.token }), 'me').user
    expect(me.displayName).toBe('Owner')
    expect(me.avatarUrl).toBeNull()
    const view = must(await api<{ conversation: Conversation }>(bob.base, 'GET', `/api/conversations/${conversation.id}`, { token: bob.token }), 'view')
    expect(view.conversation.title).toBe('muted-owner')
    const sidebar = must(await api<{ conversations: Conversation[] }>(bob.base, 'GET', `/api/projects/${projectId}/conversations`, { token: bob.token }), 'sidebar')
    expect(sidebar.conversations.map(c => c.title)).not.toContain('spam')
  })
})

describe('rooms nobody can leave and announcements', () => {
  it('only project owners and admins create project-wide conversations', async () => {
    const [owner, member] = await Promise.all([signUp('Owner'), signUp('Member')])
    const { projectId } = await setupConversation(owner, [member], 'wide')
    const refused = await api(member.base, 'POST', `/api/projects/${projectId}/conversations`, { token: member.token, body: { title: 'everyone-forever', type: 'project', participantIds: [] } })
    expect([refused.status, refused.body.error?.code]).toEqual([403, 'FORBIDDEN'])
    const sidebar = must(await api<{ conversations: Conversation[] }>(owner.base, 'GET', `/api/projects/${projectId}/conversations`, { token: owner.token }), 'sidebar')
    expect(sidebar.conversations.map(c => c.title)).not.toContain('everyone-forever')
    // A group is still theirs to make, and the owner still makes project-wide ones.
    expect((await api(member.base, 'POST', `/api/projects/${projectId}/conversations`, { token: member.token, body: { title: 'small', type: 'group', participantIds: [owner.user.id] } })).status).toBe(200)
    expect((await api(owner.base, 'POST', `/api/projects/${projectId}/conversations`, { token: owner.token, body: { title: 'town-hall', type: 'project', participantIds: [] } })).status).toBe(200)
  })

  it('a member who may not post in an announcement conversation cannot reach its timeline through a thread reply', async () => {
    const [owner, member] = await Promise.all([signUp('Owner'), signUp('Member')])
    const { projectId } = await setupConversation(owner, [member], 'ann-setup')
    const { conversation } = must(await api<{ conversation: Conversation }>(owner.base, 'POST', `/api/projects/${projectId}/conversations`, { token: owner.token, body: { title: 'news', type: 'announcement', participantIds: [member.user.id] } }), 'announcement')
    const [o, m] = await Promise.all([connect(owner), connect(member)])
    const root = await sendOk(o, conversation.id, 'Release on Monday')
    const sneaky = await ack<{ ok: boolean, error?: { code: string } }>(m, 'message:send', { clientId: randomUUID(), conversationId: conversation.id, content: 'FREE CRYPTO', threadRootId: root.id, alsoToConversation: true })
    expect(codeOf(sneaky)).toBe('FORBIDDEN')
    const rest = await api(member.base, 'POST', `/api/conversations/${conversation.id}/messages`, { token: member.token, body: { clientId: randomUUID(), content: 'FREE CRYPTO', threadRootId: root.id, alsoToConversation: true } })
    expect(rest.status).toBe(403)
    expect(codeOf(await send(m, conversation.id, 'top level'))).toBe('FORBIDDEN')
    // A plain thread reply is theirs to make.
    expect(codeOf(await ack(m, 'message:send', { clientId: randomUUID(), conversationId: conversation.id, content: 'congrats!', threadRootId: root.id }))).toBe('ok')
    const history = must(await api<{ messages: Message[] }>(owner.base, 'GET', `/api/conversations/${conversation.id}/messages`, { token: owner.token }), 'history')
    expect(history.messages.map(x => x.content)).not.toContain('FREE CRYPTO')
  })
})
