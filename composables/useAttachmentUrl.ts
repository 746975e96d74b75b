import type { AttachmentUrlResponse } from '#shared/upload-schemas'
import type { SignedUrl } from '~/stores/attachment-urls'

/** A signed URL is reused until this close to its expiry, then fetched again. */
const RENEW_BEFORE_MS = 60_000

// The server signs the thumbnail with the same token (GET /api/attachments/:id/url).
type SignedAttachmentUrls = AttachmentUrlResponse & { thumbnailUrl?: string | null }

const isFresh = (entry: SignedUrl | undefined): entry is SignedUrl => !!entry && entry.expiresAt - Date.now() > RENEW_BEFORE_MS

/** Short-lived `?token=` URLs for an attachment and its thumbnail, cached until shortly before they expire. */
export function useAttachmentUrls() {
  const api = useApi()
  const store = useAttachmentUrlsStore()

  function cachedEntry(id: string): SignedUrl | null {
    const entry = store.urls[id]
    return isFresh(entry) ? entry : null
  }

  function cached(id: string): string | null {
    return cachedEntry(id)?.url ?? null
  }

  async function freshEntry(id: string): Promise<SignedUrl> {
    // One request per attachment at a time: later callers wait for the first and reuse its answer.
    while (store.signing[id]) await until(() => !!store.signing[id]).toBe(false)
    const hit = cachedEntry(id)
    if (hit) return hit
    store.setSigning(id, true)
    try {
      const { url, thumbnailUrl, expiresAt } = await api<SignedAttachmentUrls>(`/api/attachments/${id}/url`)
      const entry = { url, thumbnailUrl: thumbnailUrl ?? null, expiresAt: new Date(expiresAt).getTime() }
      store.setUrl(id, entry)
      return entry
    } finally {
      store.setSigning(id, false)
    }
  }

  /** The original file's signed URL. */
  async function fresh(id: string): Promise<string> {
    return (await freshEntry(id)).url
  }

  /** The thumbnail's signed URL, or the original's when the server made no thumbnail (small or animated images). */
  async function freshThumbnail(id: string): Promise<string> {
    const entry = await freshEntry(id)
    return entry.thumbnailUrl ?? entry.url
  }

  /** The last signed URL even if it is about to expire: fine for an image that already loaded. */
  function last(id: string): string | null {
    return store.urls[id]?.url ?? null
  }

  /** The last signed thumbnail URL (falling back to the original), even if about to expire. */
  function lastThumbnail(id: string): string | null {
    const entry = store.urls[id]
    return entry ? entry.thumbnailUrl ?? entry.url : null
  }

  return { cached, fresh, freshThumbnail, last, lastThumbnail }
}
