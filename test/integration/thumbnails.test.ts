import { randomUUID } from 'node:crypto'
import sharp from 'sharp'
import { afterEach, describe, expect, it } from 'vitest'
import { ack, api, closeAllSockets, connect, setupConversation, signUp, type SendAck } from '../support/helpers'
import { download, png, upload } from './upload-helpers'

afterEach(() => closeAllSockets())

/** A photo-like image (noise compresses badly, like a real photo) of the given size. */
async function photo(width: number, height: number, format: 'png' | 'jpeg', orientation?: number): Promise<Buffer> {
  const noise = Buffer.alloc(width * height * 3)
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24
  let image = sharp(noise, { raw: { width, height, channels: 3 } })
  if (orientation) image = image.withMetadata({ orientation }).withExif({ IFD0: { Copyright: 'secret-owner', Artist: 'Alice Camera' } })
  return format === 'png' ? image.png().toBuffer() : image.jpeg({ quality: 90 }).toBuffer()
}

async function sendImage(fileName: string, bytes: Buffer, type: string) {
  const alice = await signUp('Alice')
  const bob = await signUp('Bob')
  const mallory = await signUp('Mallory')
  const { conversation } = await setupConversation(alice, [bob])
  const res = await upload(alice, conversation.id, bytes, fileName, type)
  expect(res.status).toBe(200)
  const socket = await connect(alice)
  const sent = await ack<SendAck>(socket, 'message:send', { clientId: randomUUID(), conversationId: conversation.id, content: 'look', attachmentIds: [res.body.attachment.id] })
  if (!sent.ok) throw new Error(JSON.stringify(sent.error))
  return { alice, bob, mallory, conversation, attachment: res.body.attachment, message: sent.message }
}

describe('thumbnails', () => {
  it('shrinks a PNG to a WebP of at most 480 px that participants can fetch', async () => {
    const original = await photo(1600, 1200, 'png')
    const { alice, bob, attachment, message } = await sendImage('board.png', original, 'image/png')
    expect(attachment).toMatchObject({ width: 1600, height: 1200, thumbnailUrl: `/api/attachments/${attachment.id}/thumbnail` })
    expect(message.attachments[0]!.thumbnailUrl).toBe(attachment.thumbnailUrl)
    for (const who of [alice, bob]) {
      const res = await download(who, attachment.thumbnailUrl!)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('image/webp')
      expect(res.headers.get('content-disposition')).toMatch(/^inline; filename="board.webp"/)
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      const meta = await sharp(res.bytes).metadata()
      expect(meta).toMatchObject({ format: 'webp', width: 480, height: 360 })
      expect(res.bytes.length).toBeLessThan(original.length / 4)
    }
  })

  it('turns a JPEG upright by its EXIF orientation and strips its metadata', async () => {
    // Stored 1200×800 landscape with orientation 6: the camera was held upright, so it shows as 800×1200.
    const original = await photo(1200, 800, 'jpeg', 6)
    expect((await sharp(original).metadata()).exif).toBeDefined()
    const { alice, attachment } = await sendImage('portrait.jpg', original, 'image/jpeg')
    expect(attachment).toMatchObject({ width: 800, height: 1200 })
    const res = await download(alice, attachment.thumbnailUrl!)
    expect(res.status).toBe(200)
    const meta = await sharp(res.bytes).metadata()
    expect(meta).toMatchObject({ width: 320, height: 480 })
    expect(meta.exif).toBeUndefined()
    expect(meta.orientation).toBeUndefined()
    expect(res.bytes.includes(Buffer.from('secret-owner'))).toBe(false)
    // The original is served as uploaded: the viewer shows exactly what was sent.
    const full = await download(alice, attachment.url)
    expect(full.bytes.equals(original)).toBe(true)
  })

  it('keeps small images at their size and makes no thumbnail for documents', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    const small = (await upload(alice, conversation.id, png(40, 30), 'dot.png', 'image/png')).body.attachment
    const thumb = await download(alice, small.thumbnailUrl!)
    expect(await sharp(thumb.bytes).metadata()).toMatchObject({ width: 40, height: 30 })
    const note = (await upload(alice, conversation.id, 'words\n', 'note.txt', 'text/plain')).body.attachment
    expect(note.thumbnailUrl).toBeNull()
    const none = await download(alice, `/api/attachments/${note.id}/thumbnail`)
    expect(none.status).toBe(404)
    expect(JSON.parse(none.bytes.toString()).error.code).toBe('NOT_FOUND')
  })

  it('refuses an image bomb from its header, quickly, and keeps serving', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    // 20000×20000 declared (1.6 GB once decoded) in a file of a few hundred bytes.
    const bomb = png(20000, 20000, Buffer.alloc(4096))
    expect(bomb.length).toBeLessThan(1024)
    const started = Date.now()
    const res = await upload(alice, conversation.id, bomb, 'bomb.png', 'image/png')
    expect(res.status).toBe(400)
    expect(res.body.error?.code).toBe('VALIDATION')
    expect(res.body.error?.message).toMatch(/20000×20000.*megapixels/)
    expect(Date.now() - started).toBeLessThan(5_000)
    const history = await api<{ messages: unknown[] }>(alice.base, 'GET', `/api/conversations/${conversation.id}/messages`, { token: alice.token })
    expect(history.status).toBe(200)
    const after = await upload(alice, conversation.id, png(2, 2), 'ok.png', 'image/png')
    expect(after.status).toBe(200)
    expect(after.body.attachment.thumbnailUrl).not.toBeNull()
  })

  it('is refused to non-participants and anonymous callers, and works through the signed link', async () => {
    const { alice, mallory, attachment } = await sendImage('board.png', await photo(600, 400, 'png'), 'image/png')
    expect((await download(mallory, attachment.thumbnailUrl!)).status).toBe(403)
    expect((await download(null, alice.base + attachment.thumbnailUrl!)).status).toBe(401)
    const link = await api<{ url: string, thumbnailUrl: string | null }>(alice.base, 'GET', `${attachment.url}/url`, { token: alice.token })
    expect(link.body.thumbnailUrl).toMatch(new RegExp(`^/api/attachments/${attachment.id}/thumbnail\\?token=`))
    const viaToken = await download(null, alice.base + link.body.thumbnailUrl!)
    expect(viaToken.status).toBe(200)
    expect((await sharp(viaToken.bytes).metadata()).width).toBe(480)
  })

  it('is gone with its message', async () => {
    const { alice, attachment, message } = await sendImage('board.png', await photo(300, 200, 'png'), 'image/png')
    const socket = await connect(alice)
    const deleted = await ack(socket, 'message:delete', { messageId: message.id })
    expect(deleted.ok).toBe(true)
    expect((await download(alice, attachment.thumbnailUrl!)).status).toBe(404)
  })
})
