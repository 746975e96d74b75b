import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { MultipartError, multipartBoundary, parseMultipart, type PartHeaders } from '../../server/infra/storage/multipart'

interface Part { headers: PartHeaders, body: Buffer }

/** Encodes a form the way the platform's FormData does, so the parser meets real bodies. */
async function encode(form: FormData): Promise<{ body: Buffer, contentType: string }> {
  const res = new Response(form)
  return { body: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get('content-type')! }
}

async function* pieces(bytes: Buffer, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size)
}

async function parseAll(body: Buffer, boundary: string, chunkSize = 7): Promise<Part[]> {
  const parts: Part[] = []
  await parseMultipart(pieces(body, chunkSize), boundary, (headers) => {
    const chunks: Buffer[] = []
    return { write: c => void chunks.push(Buffer.from(c)), end: () => void parts.push({ headers, body: Buffer.concat(chunks) }) }
  })
  return parts
}

describe('multipart boundary', () => {
  it('reads quoted and bare boundaries from multipart/form-data only', () => {
    expect(multipartBoundary('multipart/form-data; boundary=----abc123')).toBe('----abc123')
    expect(multipartBoundary('Multipart/Form-Data; charset=utf-8; boundary="a b:c"')).toBe('a b:c')
    expect(multipartBoundary('application/json')).toBeNull()
    expect(multipartBoundary('multipart/mixed; boundary=x')).toBeNull()
    expect(multipartBoundary('multipart/form-data')).toBeNull()
    expect(multipartBoundary(undefined)).toBeNull()
  })
})

describe('streaming multipart parser', () => {
  it('splits a FormData body into its parts whatever the chunking', async () => {
    const file = randomBytes(50_000)
    // A body that contains a near-boundary: the parser must not cut there.
    file.write('\r\n--', 1000, 'latin1')
    const form = new FormData()
    form.append('caption', 'hello')
    form.append('file', new Blob([file], { type: 'image/png' }), 'photo.png')
    const { body, contentType } = await encode(form)
    const boundary = multipartBoundary(contentType)!
    for (const size of [1, 3, 64, 4096, body.length]) {
      const parts = await parseAll(body, boundary, size)
      expect(parts.map(p => p.headers)).toEqual([
        { name: 'caption', fileName: null, contentType: null },
        { name: 'file', fileName: 'photo.png', contentType: 'image/png' }
      ])
      expect(parts[0]!.body.toString()).toBe('hello')
      expect(parts[1]!.body.equals(file)).toBe(true)
    }
  })

  it('keeps non-ASCII and escaped file names', async () => {
    const form = new FormData()
    form.append('file', new Blob(['x']), 'Résumé "final".pdf')
    const { body, contentType } = await encode(form)
    const [part] = await parseAll(body, multipartBoundary(contentType)!)
    expect(part!.headers.fileName).toBe('Résumé "final".pdf')
  })

  it('honours filename* (RFC 5987) and empty file names', async () => {
    const boundary = 'XyZ'
    const body = Buffer.from([
      '--XyZ',
      'Content-Disposition: form-data; name="file"; filename="fallback.txt"; filename*=UTF-8\'\'%E2%9C%93.txt',
      'Content-Type: text/plain',
      '',
      'ok',
      '--XyZ',
      'Content-Disposition: form-data; name="file"; filename=""',
      '',
      '',
      '--XyZ--',
      ''
    ].join('\r\n'))
    const parts = await parseAll(body, boundary)
    expect(parts.map(p => p.headers.fileName)).toEqual(['✓.txt', ''])
    expect(parts[0]!.body.toString()).toBe('ok')
    expect(parts[1]!.body.length).toBe(0)
  })

  it('lets a sink stop the stream at once (the size limit)', async () => {
    const form = new FormData()
    form.append('file', new Blob([randomBytes(100_000)]), 'big.bin')
    const { body, contentType } = await encode(form)
    let seen = 0
    let pulled = 0
    async function* counting() {
      for await (const c of pieces(body, 1000)) {
        pulled += c.length
        yield c
      }
    }
    const limit = new Error('too large')
    await expect(parseMultipart(counting(), multipartBoundary(contentType)!, () => ({
      write(c) {
        seen += c.length
        if (seen > 10_000) throw limit
      },
      end() {}
    }))).rejects.toBe(limit)
    expect(pulled).toBeLessThan(15_000)
  })

  it('rejects bodies that are cut short, have no closing boundary or have no field name', async () => {
    const form = new FormData()
    form.append('file', new Blob(['abc']), 'a.txt')
    const { body, contentType } = await encode(form)
    const boundary = multipartBoundary(contentType)!
    await expect(parseAll(body.subarray(0, body.length - 10), boundary)).rejects.toBeInstanceOf(MultipartError)
    await expect(parseAll(Buffer.from('no multipart here at all'), boundary)).rejects.toBeInstanceOf(MultipartError)
    const nameless = Buffer.from('--B\r\nContent-Disposition: form-data\r\n\r\nx\r\n--B--\r\n')
    await expect(parseAll(nameless, 'B')).rejects.toThrow('field name')
  })

  it('bounds part headers and the number of parts', async () => {
    const huge = Buffer.from(`--B\r\nContent-Disposition: form-data; name="a"\r\nX-Pad: ${'p'.repeat(20_000)}\r\n\r\nx\r\n--B--\r\n`)
    await expect(parseAll(huge, 'B', 1024)).rejects.toThrow('headers too large')
    const many = Buffer.from(Array.from({ length: 25 }, (_, i) => `--B\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nx\r\n`).join('') + '--B--\r\n')
    await expect(parseAll(many, 'B', 512)).rejects.toThrow('too many parts')
  })

  it('skips the preamble and tolerates transport padding after a boundary', async () => {
    const body = Buffer.from('preamble text\r\n--B  \r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhi\r\n--B--\r\nepilogue')
    const parts = await parseAll(body, 'B', 2)
    expect(parts.map(p => p.body.toString())).toEqual(['hi'])
  })
})
