import { randomUUID } from 'node:crypto'
import sharp from 'sharp'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEntry } from '#admin-shared/admin-schemas'
import type { PresenceChangePayload } from '#shared/events'
import type { Conversation, Message, User, UserSummary } from '#shared/types'
import { ack, api, closeAllSockets, collect, connect, logIn, must, setupConversation, signUp, sleep, type ApiResult, type ErrorBody, type Session } from '../support/helpers'

// Floods one member can cause without sending a message: every action others see has a budget
// (the defaults: 5 conversation changes a minute per user and 10 an hour per conversation, 20 new
// conversations an hour, 50 waiting and 60 an hour scheduled messages, 10 profile changes an hour,
// 10 status changes a minute, 5 member exports an hour), and a refused one changes nothing.

afterEach(() => closeAllSockets())

let admin: Session
beforeAll(async () => {
  admin = await logIn('admin@example.com')
})

type Scheduled = { id: string, status: string }
type Failure = { error?: ErrorBody }

/** The answer is RATE_LIMITED (429) with a wait to honour. */
function expectRateLimited(res: ApiResult<Failure> | { ok: boolean, error?: ErrorBody }) {
  const error = 'status' in res ? (expect(res.status).toBe(429), res.body.error) : (expect(res.ok).toBe(false), res.error)
  expect(error?.code).toBe('RATE_LIMITED')
  expect(Number(error?.details?.retryAfterMs)).toBeGreaterThan(0)
}

const rename = (who: Session, conversationId: string, title: string) =>
  api<{ conversation: Conversation } & Failure>(who.base, 'PATCH', `/api/conversations/${conversationId}`, { token: who.token, body: { title } })

const renameLines = async (who: Session, conversationId: string) =>
  must(await api<{ messages: Message[] }>(who.base, 'GET', `/api/conversations/${conversationId}/messages?limit=100`, { token: who.token }), 'history')
    .messages.filter(m => m.type === 'system' && m.content.includes('renamed the conversation'))

describe('conversation renames', () => {
  it('one owner renames at most 5 times a minute; the 6th writes no line and keeps the title', async () => {
    const [mallory, victim] = await Promise.all([signUp('Mallory'), signUp('Victim')])
    const { conversation } = await setupConversation(mallory, [victim])
    const v = await connect(victim)
    const seen = collect<{ message: Message }>(v, 'message:new')
    for (let i = 1; i <= 5; i++) expect((await rename(mallory, conversation.id, `spam ${i}`)).status).toBe(200)
    expectRateLimited(await rename(mallory, conversation.id, 'spam 6'))
    await sleep(300)
    const lines = await renameLines(victim, conversation.id)
    expect(lines).toHaveLength(5)
    expect(lines.at(-1)?.content).toContain('spam 5')
    expect(seen.items.filter(p => p.message.type === 'system')).toHaveLength(5)
    const { conversation: now } = must(await api<{ conversation: Conversation }>(victim.base, 'GET', `/api/conversations/${conversation.id}`, { token: victim.token }), 'get')
    expect(now.title).toBe('spam 5')
  })

  it('a conversation takes at most 10 changes an hour, however many owners share the work', async () => {
    const [owner, bob, carol] = await Promise.all([signUp('Owner'), signUp('Bob'), signUp('Carol')])
    const { conversation } = await setupConversation(owner, [bob, carol])
    for (const who of [bob, carol]) {
      must(await api(admin.base, 'PATCH', `/api/admin/conversations/${conversation.id}/participants/${who.user.id}`, { token: admin.token, body: { role: 'admin' } }), 'promote')
    }
    let n = 0
    for (const [who, times] of [[owner, 4], [bob, 4], [carol, 2]] as const) {
      for (let i = 0; i < times; i++) expect((await rename(who, conversation.id, `round ${++n}`)).status).toBe(200)
    }
    // Carol has used 2 of her 5 a minute: the conversation's budget is the one that refuses.
    expectRateLimited(await rename(carol, conversation.id, 'round 11'))
    expect(await renameLines(owner, conversation.id)).toHaveLength(10)
    const { conversation: own } = await setupConversation(carol, [], 'carol alone')
    expect((await rename(carol, own.id, 'still fine')).status).toBe(200)
  })
})

describe('new conversations', () => {
  it('one member starts at most 20 conversations an hour; the 21st reaches nobody', async () => {
    const [mallory, victim] = await Promise.all([signUp('Mallory'), signUp('Victim')])
    const { project } = must(await api<{ project: { id: string } }>(mallory.base, 'POST', '/api/projects', { token: mallory.token, body: { name: 'spam' } }), 'project')
    must(await api(mallory.base, 'POST', `/api/projects/${project.id}/members`, { token: mallory.token, body: { email: victim.user.email, role: 'member' } }), 'add')
    const before = must(await api<{ conversations: Conversation[] }>(victim.base, 'GET', `/api/projects/${project.id}/conversations`, { token: victim.token }), 'list').conversations.length
    const v = await connect(victim)
    const told = collect<{ conversation: Conversation }>(v, 'conversation:updated')
    const create = (title: string) => api<Failure>(mallory.base, 'POST', `/api/projects/${project.id}/conversations`, {
      token: mallory.token, body: { title, type: 'group', participantIds: [victim.user.id] }
    })
    for (let i = 1; i <= 20; i++) expect((await create(`room ${i}`)).status).toBe(200)
    expectRateLimited(await create('room 21'))
    await sleep(300)
    const list = must(await api<{ conversations: Conversation[] }>(victim.base, 'GET', `/api/projects/${project.id}/conversations`, { token: victim.token }), 'list')
    expect(list.conversations).toHaveLength(before + 20)
    expect(list.conversations.map(c => c.title)).not.toContain('room 21')
    expect(new Set(told.items.map(p => p.conversation.id)).size).toBe(20)
  })
})

describe('scheduled messages', () => {
  const inADay = () => new Date(Date.now() + 86_400_000).toISOString()
  const schedule = (who: Session, conversationId: string, clientId: string = randomUUID()) =>
    api<{ scheduled: Scheduled } & Failure>(who.base, 'POST', `/api/conversations/${conversationId}/scheduled`, { token: who.token, body: { clientId, content: 'later', sendAt: inADay() } })
  const waiting = async (who: Session) =>
    must(await api<{ scheduled: Scheduled[] }>(who.base, 'GET', '/api/scheduled', { token: who.token }), 'list').scheduled.filter(s => s.status === 'pending')

  it('at most 50 wait at once, even when asked for in parallel; cancelling makes room; 60 an hour', async () => {
    const [mallory, victim] = await Promise.all([signUp('Mallory'), signUp('Victim')])
    const { conversation } = await setupConversation(mallory, [victim])
    for (let i = 0; i < 45; i++) expect((await schedule(mallory, conversation.id)).status).toBe(200)
    const burst = await Promise.all(Array.from({ length: 8 }, () => schedule(mallory, conversation.id)))
    expect(burst.filter(r => r.status === 200)).toHaveLength(5)
    // A full queue is a state to change (cancel one), not a wait: CONFLICT.
    expect(burst.filter(r => r.status === 409).map(r => r.body.error?.details?.reason)).toEqual(['limit', 'limit', 'limit'])
    const firstId = randomUUID()
    const over = await schedule(mallory, conversation.id, firstId)
    expect(over.status).toBe(409)
    expect(over.body.error).toMatchObject({ code: 'CONFLICT', details: { reason: 'limit', limit: 50 } })
    const mine = await waiting(mallory)
    expect(mine).toHaveLength(50)

    // The cap counts what is waiting: cancelled ones make room again.
    for (const s of mine.slice(0, 11)) must(await api(mallory.base, 'DELETE', `/api/scheduled/${s.id}`, { token: mallory.token }), 'cancel')
    const retried = await schedule(mallory, conversation.id, firstId)
    expect(retried.status).toBe(200)
    expect((await schedule(mallory, conversation.id, firstId)).body.scheduled.id).toBe(retried.body.scheduled.id)
    for (let i = 0; i < 9; i++) expect((await schedule(mallory, conversation.id)).status).toBe(200)
    // 60 scheduled this hour: the next one is refused although only 49 wait.
    expect(await waiting(mallory)).toHaveLength(49)
    expectRateLimited(await schedule(mallory, conversation.id))
    expect(await waiting(mallory)).toHaveLength(49)
  })
})

describe('profile changes', () => {
  async function uploadAvatar(who: Session, bytes: Buffer) {
    const form = new FormData()
    form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), 'me.png')
    const res = await fetch(`${who.base}/api/me/avatar`, { method: 'POST', headers: { authorization: `Bearer ${who.token}` }, body: form })
    return { status: res.status, body: await res.json() as { user: User } & Failure }
  }
  const setName = (who: Session, displayName: string) => api<{ user: User } & Failure>(who.base, 'PATCH', '/api/me', { token: who.token, body: { displayName } })

  it('names and avatars change at most 10 times an hour; the refused ones reach no room and change nothing', async () => {
    const [mallory, victim] = await Promise.all([signUp('Mallory'), signUp('Victim')])
    await setupConversation(mallory, [victim])
    const v = await connect(victim)
    const heard = collect<{ user: UserSummary }>(v, 'user:updated')
    const image = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#cc3366' } }).png().toBuffer()
    for (let i = 1; i <= 6; i++) expect((await setName(mallory, `Mallory ${i}`)).status).toBe(200)
    for (let i = 0; i < 3; i++) expect((await uploadAvatar(mallory, image)).status).toBe(200)
    expect((await api(mallory.base, 'PATCH', '/api/me', { token: mallory.token, body: { avatarUrl: null } })).status).toBe(200)
    // Settings nobody else sees cost nothing.
    expect((await api(mallory.base, 'PATCH', '/api/me', { token: mallory.token, body: { readReceipts: false } })).status).toBe(200)
    await sleep(300)
    const announced = heard.items.length
    expect(heard.items.filter(p => p.user.id === mallory.user.id && p.user.displayName === 'Mallory 6')).not.toHaveLength(0)

    expectRateLimited(await setName(mallory, 'Mallory 7'))
    expectRateLimited(await uploadAvatar(mallory, image))
    await sleep(300)
    expect(heard.items).toHaveLength(announced)
    const { user } = must(await api<{ user: User }>(mallory.base, 'GET', '/api/me', { token: mallory.token }), 'me')
    expect(user).toMatchObject({ displayName: 'Mallory 6', avatarUrl: null })
  })
})

describe('presence', () => {
  it('presence:update changes the status at most 10 times a minute; a repeat is not announced', async () => {
    const [mallory, victim] = await Promise.all([signUp('Mallory'), signUp('Victim')])
    const { projectId } = await setupConversation(mallory, [victim])
    const v = await connect(victim)
    const m = await connect(mallory)
    await sleep(200)
    const heard = collect<PresenceChangePayload>(v, 'presence:change')
    expect((await ack(m, 'presence:update', { status: 'dnd' })).ok).toBe(true)
    expect((await ack(m, 'presence:update', { status: 'dnd' })).ok).toBe(true)
    for (let i = 0; i < 9; i++) expect((await ack(m, 'presence:update', { status: i % 2 ? 'online' : 'away' })).ok).toBe(true)
    // Ten changes made (dnd, then away/online nine times, ending on away).
    expectRateLimited(await ack<{ ok: boolean, error?: ErrorBody }>(m, 'presence:update', { status: 'online' }))
    // Saying the current status again is still fine: it changes and announces nothing.
    expect((await ack(m, 'presence:update', { status: 'away' })).ok).toBe(true)
    await sleep(300)
    const mine = heard.items.filter(p => p.userId === mallory.user.id)
    expect(mine.map(p => p.status)).toEqual(['dnd', 'away', 'online', 'away', 'online', 'away', 'online', 'away', 'online', 'away'])
    const { members } = must(await api<{ members: { userId: string, presence: string }[] }>(victim.base, 'GET', `/api/projects/${projectId}/members`, { token: victim.token }), 'members')
    expect(members.find(p => p.userId === mallory.user.id)?.presence).toBe('away')
  })
})

describe('member exports', () => {
  it('one member exports at most 5 times an hour; the refused one leaves no audit entry', async () => {
    const [mallory, victim] = await Promise.all([signUp('Mallory'), signUp('Victim')])
    const { conversation } = await setupConversation(mallory, [victim])
    const exportOnce = async () => {
      const res = await fetch(`${mallory.base}/api/conversations/${conversation.id}/export?format=json`, { headers: { authorization: `Bearer ${mallory.token}` } })
      const text = await res.text()
      return { status: res.status, body: (res.status === 200 ? {} : JSON.parse(text)) as Failure }
    }
    const audited = async () => must(await api<{ entries: AuditEntry[] }>(admin.base, 'GET', `/api/admin/audit?action=export.create&targetId=${conversation.id}`, { token: admin.token }), 'audit')
      .entries.filter(e => e.actor?.id === mallory.user.id)
    for (let i = 0; i < 5; i++) expect((await exportOnce()).status).toBe(200)
    expectRateLimited(await exportOnce())
    expect(await audited()).toHaveLength(5)
  })
})
