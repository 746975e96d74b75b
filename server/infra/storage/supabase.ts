import { Readable } from 'node:stream'
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

/** The error body Supabase Storage renders: `{ statusCode: "404", code: "NoSuchKey", error, message }`. */
interface ApiErrorBody {
  statusCode?: string
  code?: string
  error?: string
  message?: string
}

const NOT_FOUND_CODES = new Set(['NoSuchKey', 'NoSuchBucket', 'not_found'])
const CONFLICT_CODES = new Set(['KeyAlreadyExists', 'ResourceAlreadyExists', 'Duplicate'])

/**
 * Attachments in a private Supabase Storage bucket, spoken to over its HTTP API with the same
 * paths, headers and bodies as @supabase/storage-js (StorageFileApi), so one recorded set of
 * exchanges describes both.
 */
export class SupabaseStorageDriver implements StorageDriver {
  readonly kind = 'supabase' as const
  private readonly base: string
  private readonly fetch: typeof fetch

  constructor(private readonly options: SupabaseStorageOptions) {
    this.base = `${options.url.replace(/\/+$/, '')}/storage/v1`
    this.fetch = options.fetch ?? globalThis.fetch
  }

  /** storage-js sends the key as `apikey` and, with no user session, as the bearer token too. */
  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { apikey: this.options.serviceRoleKey, authorization: `Bearer ${this.options.serviceRoleKey}`, ...extra }
  }

  private objectPath(key: string): string {
    assertValidKey(key)
    return `${this.options.bucket}/${key}`
  }

  private async fail(res: Response, what: string): Promise<never> {
    let body: ApiErrorBody = {}
    try {
      body = await res.json() as ApiErrorBody
    } catch { /* not JSON: classify by status alone */ }
    // Storage answers most errors with HTTP 400 and puts the real status in the body.
    const status = Number(body.statusCode) || res.status
    const code = body.code ?? body.error ?? ''
    const message = `${what}: ${body.message ?? res.statusText} (${status}${code ? ` ${code}` : ''})`
    if (NOT_FOUND_CODES.has(code) || status === 404) throw new StorageError('not_found', message, status)
    if (CONFLICT_CODES.has(code) || status === 409) throw new StorageError('conflict', message, status)
    throw new StorageError('backend', message, status)
  }

  async put(key: string, body: Readable, options: PutOptions): Promise<void> {
    const res = await this.fetch(`${this.base}/object/${this.objectPath(key)}`, {
      method: 'POST',
      headers: this.headers({
        'x-upsert': 'false',
        'cache-control': 'max-age=3600',
        'content-type': options.contentType
      }),
      // Streamed, never buffered: a file can be as large as UPLOAD_MAX_BYTES.
      body: Readable.toWeb(body) as ReadableStream<Uint8Array>,
      duplex: 'half'
    } as RequestInit)
    if (!res.ok) await this.fail(res, `upload ${key}`)
    await res.body?.cancel()
  }

  async head(key: string): Promise<StoredObject | null> {
    // storage-js' exists() reads the info endpoint rather than HEAD: a HEAD error has no body,
    // so a bad key or a missing bucket would look like a missing object.
    const res = await this.fetch(`${this.base}/object/info/${this.objectPath(key)}`, { method: 'GET', headers: this.headers() })
    if (!res.ok) {
      try {
        await this.fail(res, `info ${key}`)
      } catch (error) {
        if (error instanceof StorageError && error.kind === 'not_found') return null
        throw error
      }
    }
    const info = await res.json() as { size?: number, metadata?: { size?: number } }
    return { size: info.size ?? info.metadata?.size ?? 0 }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key)
    const res = await this.fetch(`${this.base}/object/${this.options.bucket}`, {
      method: 'DELETE',
      headers: this.headers({ 'content-type': 'application/json' }),
      body: JSON.stringify({ prefixes: [key] })
    })
    // The API answers 200 with the removed objects, [] when there was nothing to remove.
    if (!res.ok) await this.fail(res, `delete ${key}`)
    await res.body?.cancel()
  }

  /** A short-lived signed URL for the browser to fetch the object from Storage directly. */
  async signedUrl(key: string, expiresIn: number, download?: string): Promise<string> {
    const res = await this.fetch(`${this.base}/object/sign/${this.objectPath(key)}`, {
      method: 'POST',
      headers: this.headers({ 'content-type': 'application/json' }),
      body: JSON.stringify({ expiresIn })
    })
    if (!res.ok) await this.fail(res, `sign ${key}`)
    const { signedURL } = await res.json() as { signedURL?: string }
    if (!signedURL) throw new StorageError('backend', `sign ${key}: no signedURL in the answer`)
    // signedURL already carries ?token=…, so extra parameters follow with &, as storage-js does.
    const query = download === undefined ? '' : `&${new URLSearchParams({ download })}`
    return encodeURI(`${this.base}${signedURL}`) + query
  }

  async download(key: string, options: DownloadOptions): Promise<Download> {
    // Storage answers ?download=<name> with Content-Disposition: attachment; images stay inline.
    const url = await this.signedUrl(key, options.expiresInSeconds, options.inline ? undefined : options.fileName)
    return { kind: 'redirect', url }
  }

  async check(): Promise<void> {
    const res = await this.fetch(`${this.base}/bucket/${this.options.bucket}`, { method: 'GET', headers: this.headers() })
    if (!res.ok) await this.fail(res, `bucket ${this.options.bucket}`)
    await res.body?.cancel()
  }
}
