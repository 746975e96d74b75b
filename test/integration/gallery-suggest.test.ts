import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { Attachment } from '#shared/types'
import { api, setupConversation, signUp, type Session } from '../support/helpers'
import { png, upload } from './upload-helpers'

type GalleryBody = { attachments: (Attachment & { messageId: string, messageSeq: number, senderId: string, createdAt: string })[], hasMore: boolean }

async function sendFile(who: Session, conversationId: string, bytes: Buffer | string, name: string, type: string) {
  const { body } = await upload(who, conversationId, bytes, name, type)
  const sent = await api<{ message: { id: string, seq: number } }>(who.base, 'POST', `/api/conversations/${conversationId}/messages`, { token: who.token, body: { clientId: randomUUID(), content: '', attachmentIds: [body.attachment.id] } })
  return { attachment: body.attachment, message: sent.body.message }
}

describe('GET /api/conversations/:id/attachments', () => {
  it('lists sent images and files newest first, paged, with where they were sent', async () => {
    const alice = await signUp('Alice')
    const mallory = await signUp('Mallory')
    const { conversation } = await setupConversation(alice, [])
    const first = await sendFile(alice, conversation.id, png(4, 4), 'a.png', 'image/png')
    await sendFile(alice, conversation.id, 'notes\n', 'notes.txt', 'text/plain')
    const third = await sendFile(alice, conversation.id, png(5, 5), 'b.png', 'image/png')
    await upload(alice, conversation.id, png(6, 6), 'unsent.png', 'image/png')
    const path = `/api/conversations/${conversation.id}/attachments`
    const images = await api<GalleryBody>(alice.base, 'GET', `${path}?kind=image&limit=1`, { token: alice.token })
    expect(images.body.attachments.map(a => a.fileName)).toEqual(['b.png'])
    expect(images.body.attachments[0]).toMatchObject({ messageId: third.message.id, messageSeq: third.message.seq, senderId: alice.user.id })
    expect(images.body.hasMore).toBe(true)
    const next = await api<GalleryBody>(alice.base, 'GET', `${path}?kind=image&limit=1&before=${encodeURIComponent(images.body.attachments[0]!.createdAt)}`, { token: alice.token })
    expect(next.body.attachments.map(a => a.id)).toEqual([first.attachment.id])
    const files = await api<GalleryBody>(alice.base, 'GET', `${path}?kind=file`, { token: alice.token })
    expect(files.body.attachments.map(a => a.fileName)).toEqual(['notes.txt'])
    expect((await api(mallory.base, 'GET', path, { token: mallory.token })).status).toBe(403)
    expect((await api(alice.base, 'GET', `${path}?kind=video`, { token: alice.token })).status).toBe(400)
  })
})

describe('GET /api/search/suggest', () => {
  it('offers people who share a project and one\'s own conversations, from two characters', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Boris Becker')
    const stranger = await signUp('Boris Stranger')
    void stranger
    await setupConversation(alice, [bob], 'borscht recipes')
    await setupConversation(stranger, [], 'boring secret')
    const res = await api<{ people: { displayName: string }[], conversations: { title: string }[] }>(alice.base, 'GET', '/api/search/suggest?q=bor', { token: alice.token })
    expect(res.status).toBe(200)
    expect(res.body.people.map(p => p.displayName)).toEqual(['Boris Becker'])
    expect(res.body.conversations.map(c => c.title)).toEqual(['borscht recipes'])
    expect((await api(alice.base, 'GET', '/api/search/suggest?q=b', { token: alice.token })).status).toBe(400)
    expect((await api(alice.base, 'GET', '/api/search/suggest?q=bo')).status).toBe(401)
    const wildcard = await api<{ people: unknown[] }>(alice.base, 'GET', '/api/search/suggest?q=%25%25', { token: alice.token })
    expect(wildcard.body.people).toEqual([])
  })
})
