import type { Message } from '#shared/types'

interface ThreadPage { root: Message, replies: Message[], hasMore: boolean }

export const THREAD_PAGE_SIZE = 50

/** Reads a thread over REST: its first page when opened, further pages on "load more". */
export function useThread() {
  const api = useApi()
  const store = useThreadsStore()

  async function fetchPage(rootId: string, afterSeq: number) {
    if (store.loading[rootId]) return
    store.setLoading(rootId, true)
    try {
      const page = await api<ThreadPage>(`/api/messages/${rootId}/thread`, { query: { limit: THREAD_PAGE_SIZE, afterSeq } })
      store.applyPage(rootId, page.root, page.replies, page.hasMore)
    } finally {
      store.setLoading(rootId, false)
    }
  }

  /** The first page, once per thread and session; live replies keep it current afterwards. */
  async function open(rootId: string) {
    if (store.threadOf(rootId).loaded) return
    await fetchPage(rootId, 0)
  }

  /** The next page after the last reply read. */
  async function loadMore(rootId: string) {
    const thread = store.threadOf(rootId)
    if (!thread.hasMoreAfter) return
    await fetchPage(rootId, thread.afterSeq)
  }

  return { open, loadMore }
}
