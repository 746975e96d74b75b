import { Readable } from 'node:stream'
import { StorageClient } from '@supabase/storage-js'
import { describe, expect, it } from 'vitest'
import { SupabaseStorageDriver } from '../../server/infra/storage/supabase'
import { StorageError } from '../../server/infra/storage/types'
import { loadExchanges, SIGNED_TOKEN, StorageApiReplay } from '../fixtures/storage-api/replay'

const origin = 'https://project-ref.supabase.co'
const serviceRoleKey = 'service-role-key-for-tests'
const bucket = 'attachments'
const key = '0d3b1b6a-7c1e-4f2a-8b9c-1d2e3f4a5b6c/6f1c2f7e-2b1a-4c3d-9e8f-0a1b2c3d4e5f/diagram.png'
const auth = { apikey: serviceRoleKey, authorization: `Bearer ${serviceRoleKey}` }

function setup(keyForDriver = serviceRoleKey) {
  const replay = new StorageApiReplay({ origin, serviceRoleKey, bucket })
  const driver = new SupabaseStorageDriver({ url: `${origin}/`, serviceRoleKey: keyForDriver, bucket, fetch: replay.fetch })
  return { replay, driver }
}

const bytes = Buffer.from('\x89PNG\r\n\x1a\n fake image body', 'latin1')

describe('Supabase driver on the wire', () => {
  it('uploads with POST /storage/v1/object/<bucket>/<key>, the storage-js headers and the raw streamed bytes', async () => {
    const { replay, driver } = setup()
    await driver.put(key, Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]), { contentType: 'image/png', size: bytes.length })
    expect(replay.requests).toHaveLength(1)
    const [req] = replay.requests
    expect(req).toMatchObject({ exchange: 'upload-object', method: 'POST', path: `/storage/v1/object/${bucket}/${key}` })
    expect(req!.headers).toEqual({ ...auth, 'x-upsert': 'false', 'cache-control': 'max-age=3600', 'content-type': 'image/png' })
    expect(req!.body.equals(bytes)).toBe(true)
  })

  it('maps the recorded "already exists" answer (HTTP 400, statusCode 409) to a conflict', async () => {
    const { replay, driver } = setup()
    await driver.put(key, Readable.from([bytes]), { contentType: 'image/png', size: bytes.length })
    const error = await driver.put(key, Readable.from([bytes]), { contentType: 'image/png', size: bytes.length }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StorageError)
    expect(error).toMatchObject({ kind: 'conflict', status: 409 })
    expect(replay.requests.map(r => r.exchange)).toEqual(['upload-object', 'upload-object-exists'])
  })

  it('reads object info with GET /storage/v1/object/info/<bucket>/<key>; NoSuchKey means no object', async () => {
    const { replay, driver } = setup()
    expect(await driver.head(key)).toBeNull()
    await driver.put(key, Readable.from([bytes]), { contentType: 'image/png', size: bytes.length })
    expect(await driver.head(key)).toEqual({ size: bytes.length })
    const infos = replay.requests.filter(r => r.method === 'GET')
    expect(infos.map(r => r.path)).toEqual([`/storage/v1/object/info/${bucket}/${key}`, `/storage/v1/object/info/${bucket}/${key}`])
    expect(infos.every(r => r.body.length === 0 && JSON.stringify(r.headers) === JSON.stringify(auth))).toBe(true)
  })

  it('signs with POST /storage/v1/object/sign/<bucket>/<key> {"expiresIn"} and builds the URL like storage-js', async () => {
    const { replay, driver } = setup()
    await driver.put(key, Readable.from([bytes]), { contentType: 'image/png', size: bytes.length })
    const url = await driver.signedUrl(key, 60)
    const sign = replay.requests.at(-1)!
    expect(sign).toMatchObject({ exchange: 'sign-object', method: 'POST', path: `/storage/v1/object/sign/${bucket}/${key}` })
    expect(sign.headers).toEqual({ ...auth, 'content-type': 'application/json' })
    expect(sign.body.toString()).toBe('{"expiresIn":60}')
    expect(url).toBe(`${origin}/storage/v1/object/sign/${bucket}/${key}?token=${SIGNED_TOKEN}`)
  })

  it('redirects images inline and everything else with a download name, encoded once', async () => {
    const { driver } = setup()
    await driver.put(key, Readable.from([bytes]), { contentType: 'image/png', size: bytes.length })
    const inline = await driver.download(key, { fileName: 'diagram.png', contentType: 'image/png', inline: true, expiresInSeconds: 60 })
    expect(inline.kind === 'redirect' && new URL(inline.url).searchParams.has('download')).toBe(false)
    const attachment = await driver.download(key, { fileName: 'Résumé 2026 (final).pdf', contentType: 'application/pdf', inline: false, expiresInSeconds: 60 })
    if (attachment.kind !== 'redirect') throw new Error('expected a redirect')
    const params = new URL(attachment.url).searchParams
    expect(params.get('token')).toBe(SIGNED_TOKEN)
    expect(params.get('download')).toBe('Résumé 2026 (final).pdf')
  })

  it('deletes with DELETE /storage/v1/object/<bucket> and a JSON prefixes list', async () => {
    const { replay, driver } = setup()
    await driver.put(key, Readable.from([bytes]), { contentType: 'image/png', size: bytes.length })
    await driver.delete(key)
    await driver.delete(key)
    const deletes = replay.requests.filter(r => r.method === 'DELETE')
    expect(deletes.map(r => r.exchange)).toEqual(['delete-objects', 'delete-objects-none'])
    for (const req of deletes) {
      expect(req.path).toBe(`/storage/v1/object/${bucket}`)
      expect(req.headers).toEqual({ ...auth, 'content-type': 'application/json' })
      expect(req.body.toString()).toBe(JSON.stringify({ prefixes: [key] }))
    }
  })

  it('checks health with GET /storage/v1/bucket/<bucket>', async () => {
    const { replay, driver } = setup()
    await driver.check()
    expect(replay.requests[0]).toMatchObject({ exchange: 'get-bucket', method: 'GET', path: `/storage/v1/bucket/${bucket}`, headers: auth })
  })

  it('reports a rejected service key as a backend error carrying the server code', async () => {
    const { driver } = setup('wrong-key')
    const error = await driver.head(key).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StorageError)
    expect(error).toMatchObject({ kind: 'backend', status: 400 })
    expect((error as Error).message).toContain('InvalidJWT')
  })

  it('survives an answer that is not JSON (a gateway error page)', async () => {
    const gateway: typeof fetch = async () => new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway' })
    const driver = new SupabaseStorageDriver({ url: origin, serviceRoleKey, bucket, fetch: gateway })
    await expect(driver.head(key)).rejects.toMatchObject({ kind: 'backend', status: 502 })
  })
})

describe('recorded exchanges agree with @supabase/storage-js', () => {
  // The official client, pointed at the same replay: if the recordings drifted from what
  // storage-js sends or expects, these calls would fail the exact-match checks or misparse.
  const client = (replay: StorageApiReplay) =>
    new StorageClient(`${origin}/storage/v1`, { apikey: serviceRoleKey, Authorization: `Bearer ${serviceRoleKey}` }, replay.fetch).from(bucket)

  it('upload, exists, info, createSignedUrl and remove round-trip through the recordings', async () => {
    const replay = new StorageApiReplay({ origin, serviceRoleKey, bucket })
    const files = client(replay)
    const uploaded = await files.upload(key, bytes, { contentType: 'image/png' })
    expect(uploaded.error).toBeNull()
    expect(uploaded.data).toMatchObject({ path: key, fullPath: `${bucket}/${key}` })
    expect(uploaded.data!.id).toMatch(/^[0-9a-f-]{36}$/)

    const again = await files.upload(key, bytes, { contentType: 'image/png' })
    expect(again.error).toMatchObject({ status: 400, statusCode: '409' })

    expect((await files.exists(key)).data).toBe(true)
    const info = await files.info(key)
    expect(info.data).toMatchObject({ name: key, bucketId: bucket, size: bytes.length, contentType: 'image/png' })

    const signed = await files.createSignedUrl(key, 60)
    expect(signed.data?.signedUrl).toBe(`${origin}/storage/v1/object/sign/${bucket}/${key}?token=${SIGNED_TOKEN}`)

    const removed = await files.remove([key])
    expect(removed.data).toHaveLength(1)
    expect((await files.exists(key)).data).toBe(false)
    expect((await files.remove([key])).data).toEqual([])
    expect((await files.createSignedUrl(key, 60)).error).toMatchObject({ statusCode: '404' })
    expect(replay.mismatches).toEqual([])
  })

  it('getBucket reads the private attachments bucket', async () => {
    const replay = new StorageApiReplay({ origin, serviceRoleKey, bucket })
    const storage = new StorageClient(`${origin}/storage/v1`, { apikey: serviceRoleKey, Authorization: `Bearer ${serviceRoleKey}` }, replay.fetch)
    const { data, error } = await storage.getBucket(bucket)
    expect(error).toBeNull()
    expect(data).toMatchObject({ id: bucket, public: false })
  })

  it('every recording names its source and is exercised by the driver', async () => {
    const exchanges = loadExchanges()
    for (const e of exchanges) expect(e.source.length, e.name).toBeGreaterThan(10)
    const { replay, driver } = setup()
    await driver.check()
    await driver.head(key)
    await driver.download(key, { fileName: 'x.png', contentType: 'image/png', inline: true, expiresInSeconds: 60 }).catch(() => {})
    await driver.delete(key)
    await driver.put(key, Readable.from([bytes]), { contentType: 'image/png', size: bytes.length })
    await driver.put(key, Readable.from([bytes]), { contentType: 'image/png', size: bytes.length }).catch(() => {})
    await driver.head(key)
    const download = await driver.download(key, { fileName: 'x.png', contentType: 'image/png', inline: true, expiresInSeconds: 60 })
    if (download.kind === 'redirect') await replay.fetch(download.url)
    await driver.delete(key)
    await setup('wrong-key').driver.head(key).catch(() => {})
    const used = new Set(replay.requests.map(r => r.exchange))
    used.add('error-invalid-jwt')
    expect([...used].sort()).toEqual(exchanges.map(e => e.name).sort())
  })
})
