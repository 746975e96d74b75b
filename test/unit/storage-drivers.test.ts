import { randomBytes } from 'node:crypto'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LocalDiskDriver } from '../../server/infra/storage/local'
import { SupabaseStorageDriver } from '../../server/infra/storage/supabase'
import { StorageError, type Download, type StorageDriver } from '../../server/infra/storage/types'
import { StorageApiReplay } from '../fixtures/storage-api/replay'

interface DriverHarness {
  driver: StorageDriver
  /** The bytes a browser would end up with for this download (following a redirect if need be). */
  fetchDownload: (download: Download) => Promise<Buffer>
  /** Backend calls made so far (for "refused before any I/O" checks); local disk has none. */
  calls: () => number
  cleanup: () => Promise<void>
}

const KEY = '0d3b1b6a-7c1e-4f2a-8b9c-1d2e3f4a5b6c/6f1c2f7e-2b1a-4c3d-9e8f-0a1b2c3d4e5f/report.pdf'
const OTHER = '0d3b1b6a-7c1e-4f2a-8b9c-1d2e3f4a5b6c/9a8b7c6d-2b1a-4c3d-9e8f-0a1b2c3d4e5f/photo.png'
const downloadOptions = { fileName: 'report.pdf', contentType: 'application/pdf', inline: false, expiresInSeconds: 60 }

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array))
  return Buffer.concat(chunks)
}

/** A body that arrives in many chunks, the way an upload does. */
function chunked(bytes: Buffer, size = 64 * 1024): Readable {
  return Readable.from((function* () {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size)
  })())
}

async function expectStorageError(promise: Promise<unknown>, kind: StorageError['kind']) {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(StorageError)
  expect((error as StorageError).kind).toBe(kind)
}

/** The behaviour every storage driver must share; run once per driver below. */
function describeStorageDriver(name: string, makeHarness: () => Promise<DriverHarness>) {
  describe(`storage driver contract: ${name}`, () => {
    let h: DriverHarness
    beforeEach(async () => {
      h = await makeHarness()
    })
    afterEach(async () => {
      await h.cleanup()
    })

    it('stores a streamed object and reports its size', async () => {
      const bytes = randomBytes(300 * 1024 + 17)
      await h.driver.put(KEY, chunked(bytes), { contentType: 'application/pdf', size: bytes.length })
      expect(await h.driver.head(KEY)).toEqual({ size: bytes.length })
    })

    it('hands back exactly the bytes it stored', async () => {
      const bytes = randomBytes(70_000)
      await h.driver.put(KEY, chunked(bytes, 4096), { contentType: 'application/pdf', size: bytes.length })
      const download = await h.driver.download(KEY, downloadOptions)
      expect((await h.fetchDownload(download)).equals(bytes)).toBe(true)
    })

    it('answers null for a key with no object', async () => {
      expect(await h.driver.head(OTHER)).toBeNull()
    })

    it('never overwrites: a second put on the same key is a conflict and the first object stays', async () => {
      const first = Buffer.from('first version')
      await h.driver.put(KEY, chunked(first), { contentType: 'text/plain', size: first.length })
      const second = Buffer.from('second, longer version')
      await expectStorageError(h.driver.put(KEY, chunked(second), { contentType: 'text/plain', size: second.length }), 'conflict')
      expect(await h.driver.head(KEY)).toEqual({ size: first.length })
      expect((await h.fetchDownload(await h.driver.download(KEY, downloadOptions))).toString()).toBe('first version')
    })

    it('deletes, and deleting again is not an error', async () => {
      const bytes = Buffer.from('%PDF-1.7 tiny')
      await h.driver.put(KEY, chunked(bytes), { contentType: 'application/pdf', size: bytes.length })
      await h.driver.delete(KEY)
      expect(await h.driver.head(KEY)).toBeNull()
      await expect(h.driver.delete(KEY)).resolves.toBeUndefined()
    })

    it('fails a download of a missing object with not_found', async () => {
      await expectStorageError(h.driver.download(OTHER, downloadOptions), 'not_found')
    })

    it('keeps objects apart by key', async () => {
      await h.driver.put(KEY, chunked(Buffer.from('a')), { contentType: 'text/plain', size: 1 })
      await h.driver.put(OTHER, chunked(Buffer.from('bb')), { contentType: 'image/png', size: 2 })
      await h.driver.delete(KEY)
      expect(await h.driver.head(OTHER)).toEqual({ size: 2 })
    })

    it.each([
      '', '../escape', 'a/../../b', '/absolute', 'a//b', 'a/./b', 'back\\slash', 'spaces in/name', 'ümlaut/x', 'a/b?c', 'a/b#c'
    ])('refuses the key %j before touching the backend', async (key) => {
      const before = h.calls()
      await expectStorageError(h.driver.put(key, chunked(Buffer.from('x')), { contentType: 'text/plain', size: 1 }), 'invalid_key')
      await expectStorageError(h.driver.head(key), 'invalid_key')
      await expectStorageError(h.driver.delete(key), 'invalid_key')
      await expectStorageError(h.driver.download(key, downloadOptions), 'invalid_key')
      expect(h.calls()).toBe(before)
    })

    it('passes its health check', async () => {
      await expect(h.driver.check()).resolves.toBeUndefined()
    })
  })
}

describeStorageDriver('local disk', async () => {
  const root = await mkdtemp(join(tmpdir(), 'storage-local-'))
  return {
    driver: new LocalDiskDriver(join(root, 'uploads')),
    fetchDownload: async (download) => {
      if (download.kind !== 'stream') throw new Error('local disk streams')
      const bytes = await collect(download.stream)
      expect(bytes.length).toBe(download.size)
      return bytes
    },
    calls: () => 0,
    cleanup: () => rm(root, { recursive: true, force: true })
  }
})

describeStorageDriver('Supabase Storage (recorded API)', async () => {
  const options = { origin: 'https://project-ref.supabase.co', serviceRoleKey: 'service-role-key-for-tests', bucket: 'attachments' }
  const replay = new StorageApiReplay(options)
  return {
    driver: new SupabaseStorageDriver({ url: options.origin, serviceRoleKey: options.serviceRoleKey, bucket: options.bucket, fetch: replay.fetch }),
    fetchDownload: async (download) => {
      if (download.kind !== 'redirect') throw new Error('Supabase redirects to a signed URL')
      // What the browser does with the redirect: a plain GET, no API key.
      const res = await replay.fetch(download.url)
      expect(res.status).toBe(200)
      return Buffer.from(await res.arrayBuffer())
    },
    calls: () => replay.requests.length,
    cleanup: async () => {
      expect(replay.mismatches).toEqual([])
    }
  }
})

describe('local disk layout', () => {
  it('keeps files under <root>/<conversationId>/<attachmentId>/<name> and removes empty folders on delete', async () => {
    const root = await mkdtemp(join(tmpdir(), 'storage-layout-'))
    try {
      const driver = new LocalDiskDriver(root)
      await driver.put(KEY, chunked(Buffer.from('x')), { contentType: 'text/plain', size: 1 })
      const [conversation, attachment, file] = KEY.split('/')
      expect(await readdir(join(root, conversation!, attachment!))).toEqual([file])
      await driver.delete(KEY)
      expect(await readdir(root)).toEqual([])
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })

  it('refuses a body whose length differs from the declared size and leaves nothing behind', async () => {
    const root = await mkdtemp(join(tmpdir(), 'storage-size-'))
    try {
      const driver = new LocalDiskDriver(root)
      await expectStorageError(driver.put(KEY, chunked(Buffer.from('abc')), { contentType: 'text/plain', size: 5 }), 'backend')
      expect(await driver.head(KEY)).toBeNull()
    } finally {
      await rm(root, { recursive: true, force: true })
    }
  })
})
