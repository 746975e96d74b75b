import { grandTotal, projectUnreads } from '~/utils/notifications/projects'

/** Unread totals per project (the switcher) and over all of them (the tab title and favicon). */
export function useUnreadCounts() {
  const store = useConversationsStore()
  // A mute that ran out counts again within a minute.
  const now = useNow({ interval: 60_000 })

  const perProject = computed(() => projectUnreads(store.projects, Object.values(store.conversations), store.loadedProjectIds, now.value.getTime()))
  const total = computed(() => grandTotal(perProject.value))

  return { perProject, total }
}
