import { beforeEach, describe, expect, it } from 'vitest'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { getQuery } from 'h3'
import type { GalleryItem } from '#shared/gallery-schemas'
import ChatFilesGallery from '~/components/chat/FilesGallery.vue'
import { CONVERSATION_ID, ME } from './fixtures'
import { inApp, mountInApp } from './mount'

function item(n: number, overrides: Partial<GalleryItem> = {}): GalleryItem {
  return {
    id: `00000000-0000-4000-8000-0000000000${String(n).padStart(2, '0')}`,
    fileName: `photo-${n}.png`,
    mimeType: 'image/png',
    sizeBytes: 1000 * n,
    url: `/api/attachments/${n}`,
    thumbnailUrl: `/api/attachments/${n}/thumbnail`,
    width: 800,
    height: 600,
    messageId: `00000000-0000-4000-8000-0000000001${String(n).padStart(2, '0')}`,
    messageSeq: n,
    senderId: ME.id,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 100 - n)).toISOString(),
    ...overrides
  }
}

const ITEMS = [item(1), item(2), item(3)]
const requests: Record<string, unknown>[] = []

// Two pages of images: the second is asked for with `before` = the first page's last createdAt.
registerEndpoint(`/api/conversations/${CONVERSATION_ID}/attachments`, (event) => {
  const query = getQuery(event)
  requests.push(query)
  return query.before ? { attachments: [item(3)], hasMore: false } : { attachments: [item(1), item(2)], hasMore: true }
})
for (const { id } of ITEMS) {
  registerEndpoint(`/api/attachments/${id}/url`, () => ({
    url: '/signed/original', thumbnailUrl: '/signed/thumb', expiresAt: new Date(Date.now() + 600_000).toISOString()
  }))
}

describe('files gallery', () => {
  beforeEach(() => {
    requests.length = 0
    inApp(() => {
      useSession().signIn('token', ME)
      useAttachmentUrlsStore().urls = {}
    })
  })

  it('shows images as a grid of tiles with their size reserved, and emits open on click', async () => {
    const wrapper = await mountInApp(ChatFilesGallery, { kind: 'image', items: ITEMS, hasMore: false, loading: false, loaded: true, error: null })
    const tiles = wrapper.findAll('[data-testid="gallery-image"]')
    expect(tiles.map(t => t.attributes('aria-label'))).toEqual(['Open photo-1.png', 'Open photo-2.png', 'Open photo-3.png'])
    // No signed URL yet: a skeleton holds the place instead of an <img> without a source.
    expect(tiles[0]!.find('img').exists()).toBe(false)
    inApp(() => useAttachmentUrlsStore().setUrl(ITEMS[0]!.id, { url: '/o', thumbnailUrl: '/t', expiresAt: Date.now() + 600_000 }))
    await nextTick()
    const img = wrapper.find('[data-testid="gallery-image"] img')
    expect(img.attributes('src')).toBe('/t')
    expect([img.attributes('width'), img.attributes('height')]).toEqual(['800', '600'])
    expect(wrapper.find('[data-testid="gallery-more-image"]').exists()).toBe(false)
    await tiles[1]!.trigger('click')
    expect(wrapper.findComponent(ChatFilesGallery).emitted('open')).toEqual([[ITEMS[1]]])
  })

  it('lists other files with name and size, and says when there are none', async () => {
    const files = [item(4, { fileName: 'notes.pdf', mimeType: 'application/pdf', sizeBytes: 2048, thumbnailUrl: null })]
    const wrapper = await mountInApp(ChatFilesGallery, { kind: 'file', items: files, hasMore: true, loading: false, loaded: true, error: null })
    expect(wrapper.find('[data-testid="gallery-file"]').text()).toContain('notes.pdf')
    expect(wrapper.find('[data-testid="gallery-file"]').text()).toContain('2.0 KB')
    expect(wrapper.find('[data-testid="gallery-more-file"]').exists()).toBe(true)

    const empty = await mountInApp(ChatFilesGallery, { kind: 'file', items: [], hasMore: false, loading: false, loaded: true, error: null })
    expect(empty.find('[data-testid="gallery-empty"]').text()).toBe('No files shared here yet')
  })

  it('pages with `before`, and signs each image\'s thumbnail', async () => {
    const gallery = inApp(() => useGallery(CONVERSATION_ID, 'image'))
    await gallery.load()
    expect(gallery.items.value.map(i => i.fileName)).toEqual(['photo-1.png', 'photo-2.png'])
    expect(gallery.hasMore.value).toBe(true)
    expect(requests[0]).toMatchObject({ kind: 'image', limit: '30' })
    expect(requests[0]!.before).toBeUndefined()
    expect(inApp(() => useAttachmentUrls().lastThumbnail(ITEMS[0]!.id))).toBe('/signed/thumb')

    await gallery.loadMore()
    expect(requests[1]!.before).toBe(item(2).createdAt)
    expect(gallery.items.value.map(i => i.fileName)).toEqual(['photo-1.png', 'photo-2.png', 'photo-3.png'])
    expect(gallery.hasMore.value).toBe(false)
  })
})
