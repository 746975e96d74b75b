import { Readable } from 'node:stream'
import { StorageApiError, StorageClient } from '@supabase/storage-js'
import { assertValidKey, StorageError, type Download, type DownloadOptions, type PutOptions, type StorageDriver, type StoredObject } from './types'

export interface SupabaseStorageOptions {
  /** The project URL, e.g. https://xyz.supabase.co (no trailing slash). */
  url: string
  /** Service role key: this driver runs on the server only and bypasses storage RLS. */
  serviceRoleKey: string
  bucket: string
  /** Injected in tests to replay recorded API exchanges. */
  fetch?: typeof fetch
}

const NOT_FOUND_CODES = new Set(['NoSuchKey', 'NoSuchBucket', 'not_found'])
const CONFLICT_CODES = new Set(['KeyAlreadyExists', 'ResourceAlreadyExists', 'Duplicate'])

/** Turns a storage-js error into the driver's kinds: missing, taken, or anything else. */
function toStorageError(error: Error, what: string): StorageError {
  if (!(error instanceof StorageApiError)) return new StorageError('backend', `${what}: ${error.message}`)
  // Storage answers most errors with HTTP 400 and puts the real status in the body.
  const status = Number(error.statusCode) || error.status
  const code = error.code ?? ''
  const message = `${what}: ${error.message} (${status}${code ? ` ${code}` : ''})`
  if (NOT_FOUND_CODES.has(code) || status === 404) return new StorageError('not_found', message, status)
  if (CONFLICT_CODES.has(code) || status === 409) return new StorageError('conflict', message, status)
  return new StorageError('backend', message, status)
}

/** Attachments in a private Supabase Storage bucket, through @supabase/storage-js. */
export class SupabaseStorageDriver implements StorageDriver {
  readonly kind = 'supabase' as const
  private readonly client: StorageClient
  private readonly base: string

  constructor(private readonly options: SupabaseStorageOptions) {
    this.base = `${options.url.replace(/\/+$/, '')}/storage/v1`
    // With no user session the service key is both the apikey and the bearer token.
    this.client = new StorageClient(this.base, { apikey: options.serviceRoleKey, Authorization: `Bearer ${options.serviceRoleKey}` }, options.fetch)
  }

  private get files() {
    return this.client.from(this.options.bucket)
  }

  async put(key: string, body: Readable, options: PutOptions): Promise<void> {
    assertValidKey(key)
    // Streamed, never buffered: a file can be as large as UPLOAD_MAX_BYTES.
    const { error } = await this.files.upload(key, Readable.toWeb(body) as ReadableStream<Uint8Array>, {
      contentType: options.contentType, cacheControl: '3600', upsert: false, duplex: 'half'
    })
    if (error) throw toStorageError(error, `upload ${key}`)
  }

  async head(key: string): Promise<StoredObject | null> {
    assertValidKey(key)
    // info() rather than HEAD: a HEAD error has no body, so a bad key would look like a missing object.
    const { data, error } = await this.files.info(key)
    if (error) {
      const failure = toStorageError(error, `info ${key}`)
      if (failure.kind === 'not_found') return null
      throw failure
    }
    return { size: data.size ?? 0 }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key)
    // The API answers with the removed objects, [] when there was nothing to remove.
    const { error } = await this.files.remove([key])
    if (error) throw toStorageError(error, `delete ${key}`)
  }

  /** A short-lived signed URL for the browser to fetch the object from Storage directly. */
  async signedUrl(key: string, expiresIn: number, download?: string): Promise<string> {
    assertValidKey(key)
    const { data, error } = await this.files.createSignedUrl(key, expiresIn)
    if (error) throw toStorageError(error, `sign ${key}`)
    // Added here, not through storage-js' `download` option, which encodes the name twice.
    return download === undefined ? data.signedUrl : `${data.signedUrl}&${new URLSearchParams({ download })}`
  }

  async download(key: string, options: DownloadOptions): Promise<Download> {
    // Storage answers ?download=<name> with Content-Disposition: attachment; images stay inline.
    const url = await this.signedUrl(key, options.expiresInSeconds, options.inline ? undefined : options.fileName)
    return { kind: 'redirect', url }
  }

  async check(): Promise<void> {
    const { error } = await this.client.getBucket(this.options.bucket)
    if (error) throw toStorageError(error, `bucket ${this.options.bucket}`)
  }
}
