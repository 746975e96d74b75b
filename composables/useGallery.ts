import type { GalleryItem } from '#shared/gallery-schemas'

export type GalleryKind = 'image' | 'file'

const PAGE_SIZE = 30

/** One kind of a conversation's sent files, newest first, paged by `before` (the last item's createdAt). */
export function useGallery(conversationId: MaybeRefOrGetter<string>, kind: GalleryKind) {
  const api = useApi()
  const urls = useAttachmentUrls()

  const items = ref<GalleryItem[]>([])
  const hasMore = ref(false)
  const loading = ref(false)
  const loaded = ref(false)
  const error = ref<string | null>(null)

  async function load(more = false) {
    if (loading.value) return
    loading.value = true
    error.value = null
    try {
      const before = more ? items.value.at(-1)?.createdAt : undefined
      const page = await api<{ attachments: GalleryItem[], hasMore: boolean }>(`/api/conversations/${toValue(conversationId)}/attachments`, {
        query: { kind, limit: PAGE_SIZE, before }
      })
      items.value = more ? [...items.value, ...page.attachments] : page.attachments
      hasMore.value = page.hasMore
      loaded.value = true
      // The grid shows thumbnails: sign them as the page arrives (one request each, cached per tab).
      if (kind === 'image') await Promise.allSettled(page.attachments.map(a => urls.freshThumbnail(a.id)))
    } catch (err) {
      error.value = describeError(err)
    } finally {
      loading.value = false
    }
  }

  return { items, hasMore, loading, loaded, error, load, loadMore: () => load(true) }
}
