import { get as httpGet } from 'node:http'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { baseUrl, sendOk, setupConversation, signUp, connect, closeAllSockets } from '../support/helpers'

type Raw = { status: number, headers: Record<string, string | string[] | undefined>, body: Buffer }

/** A GET as it crosses the wire: the bytes undecoded, so the encoding can be checked. */
function raw(path: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    httpGet(`${baseUrl()}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    }).on('error', reject)
  })
}

function decoded(res: Raw): Buffer {
  const coding = res.headers['content-encoding']
  if (coding === 'br') return brotliDecompressSync(res.body)
  if (coding === 'gzip') return gunzipSync(res.body)
  expect(coding).toBeUndefined()
  return res.body
}

describe('compression on the wire', () => {
  it('serves built scripts and styles precompressed, brotli first, and plain to clients that accept neither', async () => {
    const html = decoded(await raw('/login', { 'accept-encoding': 'br' })).toString()
    const assets = [...html.matchAll(/(?:src|href)="(\/_nuxt\/[^"]+\.(?:js|css))"/g)].map(m => m[1]!)
    expect(assets.length).toBeGreaterThan(0)
    for (const path of assets) {
      const plain = await raw(path, { 'accept-encoding': 'identity' })
      expect(plain.status).toBe(200)
      expect(plain.headers['content-encoding']).toBeUndefined()
      if (plain.body.length < 1024) continue
      const br = await raw(path, { 'accept-encoding': 'gzip, deflate, br, zstd' })
      expect(br.headers['content-encoding']).toBe('br')
      expect(br.headers.vary).toMatch(/accept-encoding/i)
      expect(br.headers['content-type']).toBe(plain.headers['content-type'])
      expect(br.body.length).toBeLessThan(plain.body.length / 2)
      expect(decoded(br).equals(plain.body)).toBe(true)
      const gz = await raw(path, { 'accept-encoding': 'gzip' })
      expect(gz.headers['content-encoding']).toBe('gzip')
      expect(decoded(gz).equals(plain.body)).toBe(true)
    }
  })

  it('compresses the page shell and keeps its CSP nonce on every script', async () => {
    const res = await raw('/login', { 'accept-encoding': 'br' })
    expect(res.status).toBe(200)
    expect(res.headers['content-encoding']).toBe('br')
    expect(res.headers['content-type']).toMatch(/^text\/html/)
    const html = decoded(res).toString()
    const nonce = String(res.headers['content-security-policy']).match(/'nonce-([^']+)'/)?.[1]
    expect(nonce).toBeTruthy()
    for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toContain(`nonce="${nonce}"`)
  })

  it('compresses a large JSON answer only for clients that accept it, with the same content', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    const socket = await connect(alice)
    for (let i = 0; i < 12; i++) await sendOk(socket, conversation.id, `Message number ${i} with some words that repeat, as chat does`)
    closeAllSockets()
    const path = `/api/conversations/${conversation.id}/messages?limit=50`
    const auth = { authorization: `Bearer ${alice.token}` }
    const plain = await raw(path, { ...auth })
    expect(plain.status).toBe(200)
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.body.length).toBeGreaterThan(1024)
    const br = await raw(path, { ...auth, 'accept-encoding': 'gzip, br' })
    expect(br.headers['content-encoding']).toBe('br')
    expect(br.headers['content-type']).toMatch(/^application\/json/)
    expect(br.body.length).toBeLessThan(plain.body.length / 2)
    expect(JSON.parse(decoded(br).toString())).toEqual(JSON.parse(plain.body.toString()))
    const gz = await raw(path, { ...auth, 'accept-encoding': 'gzip;q=1, br;q=0' })
    expect(gz.headers['content-encoding']).toBe('gzip')
    expect(JSON.parse(decoded(gz).toString())).toEqual(JSON.parse(plain.body.toString()))
  })

  it('leaves small answers, errors and Socket.IO alone', async () => {
    const health = await raw('/api/health', { 'accept-encoding': 'br' })
    expect(health.status).toBe(200)
    expect(health.headers['content-encoding']).toBeUndefined()
    const denied = await raw('/api/projects', { 'accept-encoding': 'br' })
    expect(denied.status).toBe(401)
    expect(denied.headers['content-encoding']).toBeUndefined()
    const polling = await raw('/socket.io/?EIO=4&transport=polling', { 'accept-encoding': 'br' })
    expect(polling.status).toBe(200)
    expect(polling.headers['content-encoding']).not.toBe('br')
  })
})
