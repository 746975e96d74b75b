import type { AttachmentUrlResponse } from '#shared/upload-schemas'

/** A signed URL is reused until this close to its expiry, then fetched again. */
const RENEW_BEFORE_MS = 60_000

interface SignedUrl { url: string, expiresAt: number }

// Shared by every message on screen: one signed URL per attachment per tab.
const cache = reactive(new Map<string, SignedUrl>())
const inflight = new Map<string, Promise<string>>()

const isFresh = (entry: SignedUrl | undefined): entry is SignedUrl => !!entry && entry.expiresAt - Date.now() > RENEW_BEFORE_MS

/** A short-lived `?token=` URL for an attachment, cached until shortly before it expires. */
export function useAttachmentUrls() {
  const api = useApi()

  function cached(id: string): string | null {
    const entry = cache.get(id)
    return isFresh(entry) ? entry.url : null
  }

  function fresh(id: string): Promise<string> {
    const hit = cached(id)
    if (hit) return Promise.resolve(hit)
    let pending = inflight.get(id)
    if (!pending) {
      pending = api<AttachmentUrlResponse>(`/api/attachments/${id}/url`)
        .then(({ url, expiresAt }) => {
          cache.set(id, { url, expiresAt: new Date(expiresAt).getTime() })
          return url
        })
        .finally(() => inflight.delete(id))
      inflight.set(id, pending)
    }
    return pending
  }

  /** The last signed URL even if it is about to expire: fine for an image that already loaded. */
  function last(id: string): string | null {
    return cache.get(id)?.url ?? null
  }

  return { cached, fresh, last }
}
