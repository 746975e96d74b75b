import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { receiveFile } from '../../server/services/uploads/receive'
import { AppError } from '../../server/utils/errors'

const dir = await mkdtemp(join(tmpdir(), 'upload-receive-'))
afterAll(() => rm(dir, { recursive: true, force: true }))

/** Encodes a form the way the platform's FormData does, so the receiver meets real bodies. */
async function encode(form: FormData): Promise<{ body: Buffer, contentType: string }> {
  const res = new Response(form)
  return { body: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get('content-type')! }
}

async function* pieces(bytes: Buffer, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size)
}

const receive = (body: Buffer, contentType: string, maxBytes = 1000, chunk = 7) => {
  const path = join(dir, randomUUID())
  return { path, result: receiveFile(pieces(body, chunk), contentType, path, maxBytes) }
}

const codeOf = async (promise: Promise<unknown>) => {
  const error = await promise.catch((e: unknown) => e)
  return error instanceof AppError ? error.code : error
}

describe('receiving the file part of an upload', () => {
  it('writes the file field to disk whatever the chunking, with its name, type and head', async () => {
    const file = randomBytes(5_000)
    file.write('\r\n--', 1000, 'latin1')
    const form = new FormData()
    form.append('caption', 'hello')
    form.append('file', new Blob([file], { type: 'image/png' }), 'Résumé "final".png')
    const { body, contentType } = await encode(form)
    for (const size of [1, 64, body.length]) {
      const { path, result } = receive(body, contentType, 10_000, size)
      const received = await result
      expect(received).toMatchObject({ fileName: 'Résumé "final".png', declaredType: 'image/png', size: file.length, isText: false })
      expect(received.head.equals(file)).toBe(true)
      expect((await readFile(path)).equals(file)).toBe(true)
    }
  })

  it('accepts exactly the limit and refuses one byte more as PAYLOAD_TOO_LARGE, without reading on', async () => {
    const at = new FormData()
    at.append('file', new Blob([Buffer.alloc(1000, 'a')], { type: 'text/plain' }), 'a.txt')
    const fits = await encode(at)
    expect((await receive(fits.body, fits.contentType).result).size).toBe(1000)

    const over = new FormData()
    over.append('file', new Blob([randomBytes(100_000)]), 'big.bin')
    const { body, contentType } = await encode(over)
    let pulled = 0
    async function* counting() {
      for await (const c of pieces(body, 1000)) {
        pulled += c.length
        yield c
      }
    }
    const path = join(dir, randomUUID())
    expect(await codeOf(receiveFile(counting(), contentType, path, 10_000))).toBe('PAYLOAD_TOO_LARGE')
    expect(pulled).toBeLessThan(15_000)
  })

  it('refuses bodies without a file, cut short, with too many parts or large extra fields as VALIDATION', async () => {
    const noFile = new FormData()
    noFile.append('other', 'x')
    const a = await encode(noFile)
    expect(await codeOf(receive(a.body, a.contentType).result)).toBe('VALIDATION')

    const form = new FormData()
    form.append('file', new Blob(['abc']), 'a.txt')
    const b = await encode(form)
    expect(await codeOf(receive(b.body.subarray(0, b.body.length - 10), b.contentType).result)).toBe('VALIDATION')

    const many = Buffer.from(Array.from({ length: 25 }, (_, i) => `--B\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nx\r\n`).join('') + '--B--\r\n')
    expect(await codeOf(receive(many, 'multipart/form-data; boundary=B').result)).toBe('VALIDATION')

    const padded = new FormData()
    padded.append('note', 'n'.repeat(70 * 1024))
    padded.append('file', new Blob(['abc']), 'a.txt')
    const c = await encode(padded)
    expect(await codeOf(receive(c.body, c.contentType, 1_000_000, 4096).result)).toBe('VALIDATION')

    expect(await codeOf(receive(Buffer.from('x'), 'multipart/form-data').result)).toBe('VALIDATION')
  })

  it('takes the first file field only and judges its text on the whole file', async () => {
    const form = new FormData()
    form.append('file', new Blob(['naïve ✓ text']), 'first.txt')
    form.append('file', new Blob(['second']), 'second.txt')
    const { body, contentType } = await encode(form)
    const received = await receive(body, contentType, 1000, 3).result
    expect(received).toMatchObject({ fileName: 'first.txt', isText: true })
  })
})
