import { randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { link, mkdir, rmdir, stat, unlink } from 'node:fs/promises'
import { dirname, join, relative, resolve, sep } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { assertValidKey, StorageError, type Download, type PutOptions, type StorageDriver, type StoredObject } from './types'

const isCode = (error: unknown, code: string) => (error as NodeJS.ErrnoException | null)?.code === code

/** Attachments as plain files under `<root>/<conversationId>/<attachmentId>/<name>` (embedded mode). */
export class LocalDiskDriver implements StorageDriver {
  readonly kind = 'local' as const
  private readonly root: string

  constructor(root: string) {
    this.root = resolve(root)
  }

  private pathOf(key: string): string {
    assertValidKey(key)
    const path = resolve(this.root, key)
    // assertValidKey already forbids "..", this keeps the guarantee if the rules ever loosen.
    if (relative(this.root, path).startsWith('..') || !path.startsWith(this.root + sep)) {
      throw new StorageError('invalid_key', `key escapes the storage root: ${key}`)
    }
    return path
  }

  async put(key: string, body: Readable, options: PutOptions): Promise<void> {
    const path = this.pathOf(key)
    await mkdir(dirname(path), { recursive: true })
    // Write beside the target and link it into place: readers never see a half-written file and
    // link() fails on an existing key, so an object is never silently replaced.
    const temp = join(dirname(path), `.part-${randomUUID()}`)
    try {
      await pipeline(body, createWriteStream(temp, { flags: 'wx' }))
      const written = (await stat(temp)).size
      if (written !== options.size) throw new StorageError('backend', `wrote ${written} bytes, expected ${options.size}`)
      await link(temp, path)
    } catch (error) {
      if (isCode(error, 'EEXIST')) throw new StorageError('conflict', `object already exists: ${key}`)
      throw error
    } finally {
      await unlink(temp).catch(() => {})
    }
  }

  async head(key: string): Promise<StoredObject | null> {
    try {
      const info = await stat(this.pathOf(key))
      return info.isFile() ? { size: info.size } : null
    } catch (error) {
      if (isCode(error, 'ENOENT')) return null
      throw error
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key)
    try {
      await unlink(path)
    } catch (error) {
      if (!isCode(error, 'ENOENT')) throw error
    }
    // Drop the now-empty attachment and conversation folders; rmdir refuses non-empty ones.
    for (let dir = dirname(path); dir.startsWith(this.root + sep); dir = dirname(dir)) {
      try {
        await rmdir(dir)
      } catch {
        break
      }
    }
  }

  async download(key: string): Promise<Download> {
    const path = this.pathOf(key)
    const found = await this.head(key)
    if (!found) throw new StorageError('not_found', `no object at ${key}`)
    return { kind: 'stream', stream: createReadStream(path), size: found.size }
  }

  async check(): Promise<void> {
    await mkdir(this.root, { recursive: true })
  }
}
