import type { Readable } from 'node:stream'

/** What a driver knows about a stored object. */
export interface StoredObject {
  size: number
}

export interface PutOptions {
  contentType: string
  size: number
}

export interface DownloadOptions {
  /** The name the browser should save the file under. */
  fileName: string
  contentType: string
  /** Inline (images) or as a download (everything else). */
  inline: boolean
  /** Lifetime of a signed backend URL, where the driver hands one out. */
  expiresInSeconds: number
}

/** How to hand an object to the browser: bytes streamed by this server, or a redirect to the backend. */
export type Download
  = | { kind: 'stream', stream: Readable, size: number }
    | { kind: 'redirect', url: string }

/** One place that holds attachment bytes: local disk or a Supabase Storage bucket. */
export interface StorageDriver {
  readonly kind: 'local' | 'supabase'
  /** Stores a new object; fails with `conflict` when the key is taken (keys are never overwritten). */
  put(key: string, body: Readable, options: PutOptions): Promise<void>
  /** Size of the object, or null when there is none. */
  head(key: string): Promise<StoredObject | null>
  /** Removes the object; removing a missing one is not an error. */
  delete(key: string): Promise<void>
  /** Fails with `not_found` when there is no such object. */
  download(key: string, options: DownloadOptions): Promise<Download>
  /** Cheap liveness probe for /api/health. */
  check(): Promise<void>
}

export type StorageErrorKind = 'not_found' | 'conflict' | 'invalid_key' | 'backend'

/** A driver failure; services map `not_found` to NOT_FOUND and the rest to an internal error. */
export class StorageError extends Error {
  constructor(readonly kind: StorageErrorKind, message: string, readonly status?: number) {
    super(message)
    this.name = 'StorageError'
  }
}

const SEGMENT = /^[\w.-]+$/

/**
 * Keys are `<conversationId>/<attachmentId>/<name>` built by the upload service; drivers still
 * refuse anything that could escape their root or that Supabase Storage would reject.
 */
export function assertValidKey(key: string): void {
  const segments = key.split('/')
  const ok = key.length > 0 && key.length <= 512 && segments.every(s => SEGMENT.test(s) && s !== '.' && s !== '..')
  if (!ok) throw new StorageError('invalid_key', `invalid storage key: ${JSON.stringify(key)}`)
}
