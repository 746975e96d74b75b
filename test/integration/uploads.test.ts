import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { Message } from '#shared/types'
import { ack, api, closeAllSockets, connect, nextEvent, setupConversation, signUp, type SendAck } from '../support/helpers'
import { download, png, upload, type ErrorJson } from './upload-helpers'

afterEach(() => closeAllSockets())

const DEFAULT_MAX = 26214400

const sendWith = (socket: Awaited<ReturnType<typeof connect>>, conversationId: string, content: string, attachmentIds: string[]) =>
  ack<SendAck>(socket, 'message:send', { clientId: randomUUID(), conversationId, content, attachmentIds })

describe('uploading', () => {
  it('stores a PNG and answers with the attachment, its size and dimensions', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    const image = png(37, 21)
    const res = await upload(alice, conversation.id, image, 'diagram.png', 'image/png')
    expect(res.status).toBe(200)
    expect(res.body.attachment).toEqual({
      id: expect.any(String), fileName: 'diagram.png', mimeType: 'image/png', sizeBytes: image.length,
      url: `/api/attachments/${res.body.attachment.id}`, thumbnailUrl: `/api/attachments/${res.body.attachment.id}/thumbnail`, width: 37, height: 21
    })
  })

  it('sanitizes the file name and recognises types by their bytes', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    const res = await upload(alice, conversation.id, '# Title\n\nnaïve ✓\n', '../../notes\u202E.md', 'application/octet-stream')
    expect(res.status).toBe(200)
    expect(res.body.attachment).toMatchObject({ fileName: 'notes.md', mimeType: 'text/markdown' })
  })

  it('refuses content that does not match the declared type, and types outside the list', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    for (const [bytes, name, type] of [
      ['<script>alert(1)</script>', 'cat.png', 'image/png'],
      [png(2, 2), 'notes.txt', 'text/plain'],
      ['<svg xmlns="http://www.w3.org/2000/svg"/>', 'logo.svg', 'image/svg+xml'],
      [Buffer.from([0x4D, 0x5A, 0x90, 0x00, 0x03]), 'setup.exe', 'application/octet-stream']
    ] as const) {
      const res = await upload(alice, conversation.id, bytes, name, type)
      expect(res.status, name).toBe(400)
      expect(res.body.error?.code).toBe('VALIDATION')
      expect(res.body.error?.details?.fields?.[0]?.field).toBe('file')
    }
  })

  it('refuses a body without a file field, an empty file and a non-multipart body', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    const form = new FormData()
    form.append('other', 'x')
    const noFile = await fetch(`${alice.base}/api/conversations/${conversation.id}/uploads`, { method: 'POST', headers: { authorization: `Bearer ${alice.token}` }, body: form })
    expect(noFile.status).toBe(400)
    expect((await upload(alice, conversation.id, '', 'empty.txt', 'text/plain')).status).toBe(400)
    const json = await api(alice.base, 'POST', `/api/conversations/${conversation.id}/uploads`, { token: alice.token, body: { file: 'x' } })
    expect(json.status).toBe(400)
    expect(json.body.error?.code).toBe('VALIDATION')
  })

  it('answers 413 from Content-Length alone when the body is clearly too large', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    const form = new FormData()
    form.append('file', new Blob([new Uint8Array(DEFAULT_MAX + 512 * 1024)], { type: 'application/zip' }), 'big.zip')
    const res = await fetch(`${alice.base}/api/conversations/${conversation.id}/uploads`, { method: 'POST', headers: { authorization: `Bearer ${alice.token}` }, body: form })
    expect(res.status).toBe(413)
    expect(((await res.json()) as ErrorJson).error?.code).toBe('PAYLOAD_TOO_LARGE')
  })

  it('counts the file bytes: one byte over the limit is 413, exactly the limit is accepted', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    const over = Buffer.alloc(DEFAULT_MAX + 1)
    over.write('PK\x03\x04', 0, 'latin1')
    const tooBig = await upload(alice, conversation.id, over, 'big.zip', 'application/zip')
    expect(tooBig.status).toBe(413)
    expect(tooBig.body.error?.code).toBe('PAYLOAD_TOO_LARGE')
    const fits = await upload(alice, conversation.id, over.subarray(0, DEFAULT_MAX), 'max.zip', 'application/zip')
    expect(fits.status).toBe(200)
    expect(fits.body.attachment.sizeBytes).toBe(DEFAULT_MAX)
  })

  it('counts a chunked upload while it streams and stops reading once it passes the limit', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    const head = Buffer.from('--B\r\nContent-Disposition: form-data; name="file"; filename="big.zip"\r\nContent-Type: application/zip\r\n\r\nPK\x03\x04', 'latin1')
    const chunk = Buffer.alloc(1024 * 1024)
    const total = 200 * chunk.length
    let pulled = 0
    // No Content-Length: the server can only find out by counting.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled === 0) controller.enqueue(head)
        if (pulled >= total) return controller.close()
        pulled += chunk.length
        controller.enqueue(chunk)
      }
    })
    const res = await fetch(`${alice.base}/api/conversations/${conversation.id}/uploads`, {
      method: 'POST',
      headers: { 'authorization': `Bearer ${alice.token}`, 'content-type': 'multipart/form-data; boundary=B' },
      body,
      duplex: 'half'
    } as RequestInit)
    expect(res.status).toBe(413)
    expect(((await res.json()) as ErrorJson).error?.code).toBe('PAYLOAD_TOO_LARGE')
    expect(pulled).toBeLessThan(total)
  })

  it('is forbidden to non-participants and needs a token', async () => {
    const alice = await signUp('Alice')
    const mallory = await signUp('Mallory')
    const { conversation } = await setupConversation(alice, [])
    const res = await upload(mallory, conversation.id, png(1, 1), 'x.png', 'image/png')
    expect(res.status).toBe(403)
    expect(res.body.error?.code).toBe('FORBIDDEN')
    const anonymous = await fetch(`${alice.base}/api/conversations/${conversation.id}/uploads`, { method: 'POST', body: new FormData() })
    expect(anonymous.status).toBe(401)
  })
})

describe('attachments on messages', () => {
  it('links uploads to a sent message and delivers them in message:new and in history', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { conversation } = await setupConversation(alice, [bob])
    const image = (await upload(alice, conversation.id, png(8, 6), 'photo.png', 'image/png')).body.attachment
    const doc = (await upload(alice, conversation.id, '%PDF-1.7\n1 0 obj\n', 'plan.pdf', 'application/pdf')).body.attachment
    const [a, b] = await Promise.all([connect(alice), connect(bob)])
    const received = nextEvent<{ message: Message }>(b, 'message:new')
    const reply = await sendWith(a, conversation.id, '', [image.id, doc.id])
    expect(reply.ok).toBe(true)
    if (!reply.ok) return
    expect(reply.message.type).toBe('file')
    expect(reply.message.attachments).toEqual([image, doc])
    const { message } = await received
    expect(message.attachments).toEqual([image, doc])
    const history = await api<{ messages: Message[] }>(bob.base, 'GET', `/api/conversations/${conversation.id}/messages`, { token: bob.token })
    expect(history.body.messages.at(-1)!.attachments).toEqual([image, doc])

    const captioned = (await upload(alice, conversation.id, 'a,b\n1,2\n', 'data.csv', 'text/csv')).body.attachment
    const withCaption = await sendWith(a, conversation.id, 'numbers for **Q3**', [captioned.id])
    expect(withCaption.ok && withCaption.message.type).toBe('text')
    expect(withCaption.ok && withCaption.message.attachments.map(x => x.id)).toEqual([captioned.id])
  })

  it('stores files sent without text as a file message named after the files, over socket and REST', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { conversation } = await setupConversation(alice, [bob])
    const a = await connect(alice)
    const image = (await upload(alice, conversation.id, png(2, 2), 'photo.png', 'image/png')).body.attachment
    const doc = (await upload(alice, conversation.id, '%PDF-1.7\n1 0 obj\n', 'plan v2.pdf', 'application/pdf')).body.attachment
    const socketSend = await sendWith(a, conversation.id, '', [image.id, doc.id])
    if (!socketSend.ok) throw new Error(JSON.stringify(socketSend.error))
    expect([socketSend.message.type, socketSend.message.content]).toEqual(['file', 'photo.png, plan v2.pdf'])

    const notes = (await upload(alice, conversation.id, 'notes\n', 'notes.txt', 'text/plain')).body.attachment
    const restSend = await api<{ message: Message }>(alice.base, 'POST', `/api/conversations/${conversation.id}/messages`, {
      token: alice.token, body: { clientId: randomUUID(), content: '  \n ', attachmentIds: [notes.id] }
    })
    expect(restSend.status).toBe(200)
    expect([restSend.body.message.type, restSend.body.message.content]).toEqual(['file', 'notes.txt'])
    expect(restSend.body.message.attachments.map(x => x.id)).toEqual([notes.id])

    // A caption that happens to be a file's name is still text the sender wrote.
    const named = (await upload(alice, conversation.id, png(1, 1), 'chart.png', 'image/png')).body.attachment
    const captioned = await sendWith(a, conversation.id, 'chart.png', [named.id])
    expect(captioned.ok && [captioned.message.type, captioned.message.content]).toEqual(['text', 'chart.png'])

    const neither = await api(alice.base, 'POST', `/api/conversations/${conversation.id}/messages`, {
      token: alice.token, body: { clientId: randomUUID(), content: ' ', attachmentIds: [] }
    })
    expect([neither.status, neither.body.error?.code]).toEqual([400, 'VALIDATION'])
    expect((neither.body.error?.details?.fields as { field: string }[])[0]!.field).toBe('content')

    // Search reads the stored names.
    const found = await api<{ results: { message: Message }[] }>(bob.base, 'GET', `/api/search?q=${encodeURIComponent('plan')}&conversationId=${conversation.id}`, { token: bob.token })
    expect(found.body.results.map(r => r.message.id)).toEqual([socketSend.message.id])
    const history = await api<{ messages: Message[] }>(bob.base, 'GET', `/api/conversations/${conversation.id}/messages`, { token: bob.token })
    expect(history.body.messages.map(m => m.type)).toEqual(['file', 'file', 'text'])
  })

  it('refuses attachmentIds that are someone else\'s, from another conversation or already sent, and changes nothing', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { conversation } = await setupConversation(alice, [bob])
    const { conversation: other } = await setupConversation(alice, [], 'other')
    const mine = (await upload(alice, conversation.id, png(1, 1), 'a.png', 'image/png')).body.attachment
    const elsewhere = (await upload(alice, other.id, png(1, 1), 'b.png', 'image/png')).body.attachment
    const [a, b] = await Promise.all([connect(alice), connect(bob)])

    const stolen = await sendWith(b, conversation.id, 'mine now', [mine.id])
    const crossed = await sendWith(a, conversation.id, 'wrong room', [elsewhere.id])
    const unknown = await sendWith(a, conversation.id, 'ghost', [randomUUID()])
    for (const r of [stolen, crossed, unknown]) {
      expect(r.ok).toBe(false)
      if (r.ok) continue
      expect(r.error.code).toBe('VALIDATION')
      expect((r.error.details as { fields: { field: string }[] }).fields[0]!.field).toBe('attachmentIds')
    }
    const history = await api<{ messages: Message[] }>(alice.base, 'GET', `/api/conversations/${conversation.id}/messages`, { token: alice.token })
    expect(history.body.messages).toHaveLength(0)

    expect((await sendWith(a, conversation.id, 'a.png', [mine.id])).ok).toBe(true)
    const again = await sendWith(a, conversation.id, 'a.png again', [mine.id])
    expect(again.ok).toBe(false)
    if (!again.ok) expect(again.error.code).toBe('VALIDATION')
  })
})

describe('downloading', () => {
  async function sentImage() {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const mallory = await signUp('Mallory')
    const { conversation } = await setupConversation(alice, [bob])
    const bytes = png(4, 3)
    const attachment = (await upload(alice, conversation.id, bytes, 'pic.png', 'image/png')).body.attachment
    const a = await connect(alice)
    const sent = await sendWith(a, conversation.id, 'pic.png', [attachment.id])
    if (!sent.ok) throw new Error(JSON.stringify(sent.error))
    return { alice, bob, mallory, conversation, bytes, attachment, message: sent.message, socket: a }
  }

  it('streams the file to participants with safe headers, and refuses everyone else', async () => {
    const { alice, bob, mallory, bytes, attachment } = await sentImage()
    for (const who of [alice, bob]) {
      const res = await download(who, attachment.url)
      expect(res.status).toBe(200)
      expect(res.bytes.equals(bytes)).toBe(true)
      expect(res.headers.get('content-type')).toBe('image/png')
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('content-disposition')).toMatch(/^inline; filename="pic.png"/)
      expect(res.headers.get('content-length')).toBe(String(bytes.length))
    }
    const forbidden = await download(mallory, attachment.url)
    expect(forbidden.status).toBe(403)
    expect(JSON.parse(forbidden.bytes.toString()).error.code).toBe('FORBIDDEN')
    expect((await download(null, alice.base + attachment.url)).status).toBe(401)
    // An unknown id answers like a foreign one (403), so ids cannot be probed for existence.
    expect((await download(alice, `/api/attachments/${randomUUID()}`)).status).toBe(403)
  })

  it('serves documents as downloads with the UTF-8 name and a charset for text', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    const note = (await upload(alice, conversation.id, 'plain words\n', 'Résumé notes.txt', 'text/plain')).body.attachment
    const a = await connect(alice)
    await sendWith(a, conversation.id, 'Résumé notes.txt', [note.id])
    const res = await download(alice, note.url)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="Resume notes.txt"; filename*=UTF-8\'\'R%C3%A9sum%C3%A9%20notes.txt')
    expect(res.headers.get('content-security-policy')).toContain('sandbox')
  })

  it('answers 304 to a matching If-None-Match', async () => {
    const { alice, attachment } = await sentImage()
    const first = await download(alice, attachment.url)
    const etag = first.headers.get('etag')!
    expect(etag).toBe(`"${attachment.id}"`)
    const again = await download(alice, attachment.url, { 'if-none-match': etag })
    expect(again.status).toBe(304)
    expect(again.bytes.length).toBe(0)
  })

  it('works with a short-lived signed ?token= (for <img src>) and rejects tampered or foreign tokens', async () => {
    const { alice, mallory, bytes, attachment } = await sentImage()
    const link = await api<{ url: string, expiresAt: string }>(alice.base, 'GET', `${attachment.url}/url`, { token: alice.token })
    expect(link.status).toBe(200)
    expect(link.body.url).toMatch(new RegExp(`^/api/attachments/${attachment.id}\\?token=`))
    const expiresIn = new Date(link.body.expiresAt).getTime() - Date.now()
    expect(expiresIn).toBeGreaterThan(60_000)
    expect(expiresIn).toBeLessThanOrEqual(15 * 60_000)
    const viaToken = await download(null, alice.base + link.body.url)
    expect(viaToken.status).toBe(200)
    expect(viaToken.bytes.equals(bytes)).toBe(true)

    const tampered = link.body.url.replace(/.$/, c => (c === 'A' ? 'B' : 'A'))
    expect((await download(null, alice.base + tampered)).status).toBe(401)
    const other = (await upload(alice, (await setupConversation(alice, [], 'x')).conversation.id, png(1, 1), 'o.png', 'image/png')).body.attachment
    const foreign = link.body.url.replace(attachment.id, other.id)
    expect((await download(null, alice.base + foreign)).status).toBe(401)
    expect((await api(mallory.base, 'GET', `${attachment.url}/url`, { token: mallory.token })).status).toBe(403)
  })

  it('lets the uploader discard an unsent upload, but not a sent one', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { conversation } = await setupConversation(alice, [bob])
    const draft = (await upload(alice, conversation.id, png(2, 2), 'draft.png', 'image/png')).body.attachment
    expect((await api(bob.base, 'DELETE', draft.url, { token: bob.token })).status).toBe(404)
    const discarded = await api(alice.base, 'DELETE', draft.url, { token: alice.token })
    expect(discarded.status).toBe(200)
    expect(discarded.body).toEqual({ ok: true })
    // Gone means unknown, and an unknown id answers like a foreign one.
    expect((await download(alice, draft.url)).status).toBe(403)
    const a = await connect(alice)
    const gone = await sendWith(a, conversation.id, 'draft.png', [draft.id])
    expect(gone.ok).toBe(false)

    const sent = (await upload(alice, conversation.id, png(2, 2), 'kept.png', 'image/png')).body.attachment
    expect((await sendWith(a, conversation.id, 'kept.png', [sent.id])).ok).toBe(true)
    const refused = await api(alice.base, 'DELETE', sent.url, { token: alice.token })
    expect(refused.status).toBe(409)
    expect((await download(bob, sent.url)).status).toBe(200)
  })

  it('keeps an unsent upload to its uploader', async () => {
    const alice = await signUp('Alice')
    const bob = await signUp('Bob')
    const { conversation } = await setupConversation(alice, [bob])
    const draft = (await upload(alice, conversation.id, png(2, 2), 'draft.png', 'image/png')).body.attachment
    expect((await download(alice, draft.url)).status).toBe(200)
    expect((await download(bob, draft.url)).status).toBe(404)
  })

  it('hides the attachments of a deleted message: history shows none and the download is 404', async () => {
    const { alice, bob, conversation, attachment, message, socket } = await sentImage()
    const link = await api<{ url: string }>(bob.base, 'GET', `${attachment.url}/url`, { token: bob.token })
    const deleted = await ack(socket, 'message:delete', { messageId: message.id })
    expect(deleted.ok).toBe(true)
    const history = await api<{ messages: Message[] }>(bob.base, 'GET', `/api/conversations/${conversation.id}/messages`, { token: bob.token })
    expect(history.body.messages.find(m => m.id === message.id)).toMatchObject({ deletedAt: expect.any(String), attachments: [] })
    for (const who of [alice, bob]) {
      const res = await download(who, attachment.url)
      expect(res.status).toBe(404)
      expect(JSON.parse(res.bytes.toString()).error.code).toBe('NOT_FOUND')
    }
    expect((await download(null, bob.base + link.body.url)).status).toBe(404)
  })
})
