import sharp from 'sharp'
import { afterEach, describe, expect, it } from 'vitest'
import type { User, UserSummary } from '#shared/types'
import { ack, api, closeAllSockets, collect, connect, nextEvent, send, setupConversation, signUp, sleep, type Session } from '../support/helpers'
import { png } from './upload-helpers'

afterEach(() => closeAllSockets())

async function uploadAvatar(who: Session, bytes: Buffer, type = 'image/png') {
  const form = new FormData()
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), 'me.png')
  const res = await fetch(`${who.base}/api/me/avatar`, { method: 'POST', headers: { authorization: `Bearer ${who.token}` }, body: form })
  return { status: res.status, body: await res.json() as { user: User, error?: { code: string, message: string } } }
}

describe('profile', () => {
  it('renames the member; everyone sharing a conversation hears of it', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    await setupConversation(alice, [bob])
    const b = await connect(bob)
    const heard = nextEvent<{ user: UserSummary }>(b, 'user:updated', p => p.user.id === alice.user.id)
    const res = await api<{ user: User }>(alice.base, 'PATCH', '/api/me', { token: alice.token, body: { displayName: 'Alice Liddell', readReceipts: false } })
    expect(res.status).toBe(200)
    expect(res.body.user).toMatchObject({ displayName: 'Alice Liddell', readReceipts: false })
    expect((await heard).user.displayName).toBe('Alice Liddell')
    expect((await api<{ user: User }>(alice.base, 'GET', '/api/me', { token: alice.token })).body.user.displayName).toBe('Alice Liddell')
  })

  it('refuses bad input and anonymous callers, and changes nothing', async () => {
    const alice = await signUp('Alice')
    for (const body of [{}, { displayName: '' }, { displayName: 'x'.repeat(81) }, { avatarUrl: 'https://evil.example/x.png' }, { role: 'admin' }]) {
      const res = await api(alice.base, 'PATCH', '/api/me', { token: alice.token, body })
      expect(res.status).toBe(400)
    }
    expect((await api(alice.base, 'PATCH', '/api/me', { body: { displayName: 'x' } })).status).toBe(401)
    expect((await api<{ user: User }>(alice.base, 'GET', '/api/me', { token: alice.token })).body.user).toMatchObject({ displayName: 'Alice', role: 'member', avatarUrl: null })
  })

  it('takes an avatar upload as a 256 px WebP anyone can load, and removes it again', async () => {
    const alice = await signUp('Alice')
    const photo = await sharp({ create: { width: 900, height: 600, channels: 3, background: '#3366cc' } }).jpeg().toBuffer()
    const res = await uploadAvatar(alice, photo, 'image/jpeg')
    expect(res.status).toBe(200)
    expect(res.body.user.avatarUrl).toMatch(new RegExp(`^/api/users/${alice.user.id}/avatar\\?v=`))
    const image = await fetch(alice.base + res.body.user.avatarUrl)
    expect(image.status).toBe(200)
    expect(image.headers.get('content-type')).toBe('image/webp')
    expect(await sharp(Buffer.from(await image.arrayBuffer())).metadata()).toMatchObject({ width: 256, height: 256, format: 'webp' })

    const removed = await api<{ user: User }>(alice.base, 'PATCH', '/api/me', { token: alice.token, body: { avatarUrl: null } })
    expect(removed.body.user.avatarUrl).toBeNull()
    expect((await fetch(`${alice.base}/api/users/${alice.user.id}/avatar`)).status).toBe(404)
  })

  it('refuses non-images and image bombs as avatars', async () => {
    const alice = await signUp('Alice')
    const text = await uploadAvatar(alice, Buffer.from('not an image at all'), 'image/png')
    expect(text.status).toBe(400)
    const bomb = await uploadAvatar(alice, png(20000, 20000, Buffer.alloc(4096)))
    expect(bomb.status).toBe(400)
    expect(bomb.body.error?.message).toMatch(/megapixels/)
  })
})

describe('read receipts', () => {
  it('stop reaching others when turned off, while one\'s own devices still follow', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { conversation } = await setupConversation(alice, [bob])
    const [a, b] = await Promise.all([connect(alice), connect(bob)])
    const sent = await send(a, conversation.id, 'seen?')
    if (!sent.ok) throw new Error('send failed')
    const before = nextEvent<{ userId: string }>(a, 'read:update', p => p.userId === bob.user.id)
    await ack(b, 'read:mark', { conversationId: conversation.id, seq: sent.message.seq })
    expect((await before).userId).toBe(bob.user.id)

    await api(bob.base, 'PATCH', '/api/me', { token: bob.token, body: { readReceipts: false } })
    const later = await send(a, conversation.id, 'and this?')
    if (!later.ok) throw new Error('send failed')
    const toAlice = collect<{ userId: string }>(a, 'read:update')
    const own = nextEvent<{ seq: number }>(b, 'read:update')
    await ack(b, 'read:mark', { conversationId: conversation.id, seq: later.message.seq })
    expect((await own).seq).toBe(later.message.seq)
    await sleep(200)
    expect(toAlice.items).toEqual([])
  })
})
