import type { AttachmentUrlResponse } from '#shared/upload-schemas'
import type { SignedUrl } from '~/stores/attachment-urls'

/** A signed URL is reused until this close to its expiry, then fetched again. */
const RENEW_BEFORE_MS = 60_000

const isFresh = (entry: SignedUrl | undefined): entry is SignedUrl => !!entry && entry.expiresAt - Date.now() > RENEW_BEFORE_MS

/** A short-lived `?token=` URL for an attachment, cached until shortly before it expires. */
export function useAttachmentUrls() {
  const api = useApi()
  const store = useAttachmentUrlsStore()

  function cached(id: string): string | null {
    const entry = store.urls[id]
    return isFresh(entry) ? entry.url : null
  }

  async function fresh(id: string): Promise<string> {
    // One request per attachment at a time: later callers wait for the first and reuse its answer.
    while (store.signing[id]) await until(() => !!store.signing[id]).toBe(false)
    const hit = cached(id)
    if (hit) return hit
    store.setSigning(id, true)
    try {
      const { url, expiresAt } = await api<AttachmentUrlResponse>(`/api/attachments/${id}/url`)
      store.setUrl(id, { url, expiresAt: new Date(expiresAt).getTime() })
      return url
    } finally {
      store.setSigning(id, false)
    }
  }

  /** The last signed URL even if it is about to expire: fine for an image that already loaded. */
  function last(id: string): string | null {
    return store.urls[id]?.url ?? null
  }

  return { cached, fresh, last }
}
