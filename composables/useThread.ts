import type { Message } from '#shared/types'

interface ThreadPage { root: Message, replies: Message[], hasMore: boolean }

export const THREAD_PAGE_SIZE = 50

/** Reads a thread over REST: its first page when opened, further pages on "load more". */
export function useThread() {
  const api = useApi()
  const store = useThreadsStore()

  /** Reads a page and files it under the thread's root (asked for a reply, the server answers with its thread). */
  async function fetchPage(id: string, afterSeq: number): Promise<string> {
    if (store.loading[id]) return id
    store.setLoading(id, true)
    try {
      const page = await api<ThreadPage>(`/api/messages/${id}/thread`, { query: { limit: THREAD_PAGE_SIZE, afterSeq } })
      store.applyPage(page.root.id, page.root, page.replies, page.hasMore)
      return page.root.id
    } finally {
      store.setLoading(id, false)
    }
  }

  /** The first page, once per thread and session; live replies keep it current. Returns the root's id. */
  async function open(id: string): Promise<string> {
    if (store.threadOf(id).loaded) return id
    return fetchPage(id, 0)
  }

  /** The next page after the last reply read. */
  async function loadMore(rootId: string) {
    const thread = store.threadOf(rootId)
    if (!thread.hasMoreAfter) return
    await fetchPage(rootId, thread.afterSeq)
  }

  return { open, loadMore }
}
