import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { compress, compressibleType, INLINE_MAX_BYTES, pickCoding } from '~~/server/infra/compression'

describe('pickCoding', () => {
  it('prefers brotli, falls back to gzip, and answers plain without an accepted coding', () => {
    expect(pickCoding('gzip, deflate, br, zstd')).toBe('br')
    expect(pickCoding('gzip, deflate')).toBe('gzip')
    expect(pickCoding('deflate')).toBeNull()
    expect(pickCoding('identity')).toBeNull()
    expect(pickCoding(undefined)).toBeNull()
    expect(pickCoding('')).toBeNull()
  })

  it('honours q-values: q=0 refuses a coding, a higher weight wins, * stands for the rest', () => {
    expect(pickCoding('br;q=0, gzip')).toBe('gzip')
    expect(pickCoding('br;q=0.5, gzip;q=0.9')).toBe('gzip')
    expect(pickCoding('br;q=0, gzip;q=0')).toBeNull()
    expect(pickCoding('*')).toBe('br')
    expect(pickCoding('*;q=0, gzip')).toBe('gzip')
    expect(pickCoding('BR')).toBe('br')
  })
})

describe('compressibleType', () => {
  it('takes the page shell and JSON, not images, archives or event streams', () => {
    expect(compressibleType('text/html;charset=utf-8')).toBe(true)
    expect(compressibleType('application/json')).toBe(true)
    expect(compressibleType('application/problem+json')).toBe(true)
    expect(compressibleType('text/csv; charset=utf-8')).toBe(true)
    expect(compressibleType('image/png')).toBe(false)
    expect(compressibleType('application/zip')).toBe(false)
    expect(compressibleType('text/event-stream')).toBe(false)
    expect(compressibleType(undefined)).toBe(false)
  })
})

describe('compress', () => {
  it('round-trips and shrinks a chat-like JSON body', async () => {
    const body = Buffer.from(JSON.stringify({ messages: Array.from({ length: 50 }, (_, i) => ({ id: `m-${i}`, content: `hello number ${i}`, sender: { displayName: 'Alice' } })) }))
    const br = await compress(body, 'br')
    const gz = await compress(body, 'gzip')
    expect(brotliDecompressSync(br).equals(body)).toBe(true)
    expect(gunzipSync(gz).equals(body)).toBe(true)
    expect(br.length).toBeLessThan(body.length / 4)
  })

  it('round-trips a body too large to compress inline (an export, a big sync)', async () => {
    const rows = Array.from({ length: 4000 }, (_, i) => ({ id: `m-${i}`, content: `line ${i} of a long conversation, ${'é🙂'.repeat(i % 7)}` }))
    const body = Buffer.from(JSON.stringify(rows))
    expect(body.length).toBeGreaterThan(INLINE_MAX_BYTES)
    expect(brotliDecompressSync(await compress(body, 'br')).equals(body)).toBe(true)
    expect(gunzipSync(await compress(body, 'gzip')).equals(body)).toBe(true)
  })
})
