/** A signed attachment URL (and its thumbnail's, when the server made one) and when they stop working (ms since epoch). */
export interface SignedUrl { url: string, thumbnailUrl: string | null, expiresAt: number }

/** Short-lived signed URLs per attachment, shared by every message on screen: one per attachment per tab. */
export const useAttachmentUrlsStore = defineStore('attachment-urls', () => {
  const urls = ref<Record<string, SignedUrl>>({})
  /** Attachments whose URL is being signed right now. */
  const signing = ref<Record<string, boolean>>({})

  function setUrl(id: string, entry: SignedUrl) {
    urls.value[id] = entry
  }

  function setSigning(id: string, busy: boolean) {
    signing.value[id] = busy
  }

  return { urls, signing, setUrl, setSigning }
})
