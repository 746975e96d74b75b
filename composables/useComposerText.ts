/**
 * What a composer holds before it is sent: the text (the conversation's server-kept draft, or a
 * thread reply kept in this session only) and the quoted message.
 */
export function useComposerText(conversationId: MaybeRefOrGetter<string>, threadRootId: MaybeRefOrGetter<string | undefined>) {
  const store = useDraftsStore()
  const drafts = useDrafts()

  const inThread = computed(() => !!toValue(threadRootId))
  /** The thread's text stays in this session only; the server keeps one draft per conversation. */
  const draftKey = computed(() => inThread.value ? `thread:${toValue(threadRootId)}` : toValue(conversationId))
  const content = computed({
    get: () => store.content[draftKey.value] ?? '',
    set: (value: string) => {
      if (inThread.value) store.edit(draftKey.value, value)
      else drafts.edit(toValue(conversationId), value)
    }
  })
  const quote = computed(() => inThread.value ? null : store.quoting[toValue(conversationId)] ?? null)

  function clear() {
    if (inThread.value) store.clear(draftKey.value)
    else drafts.clear(toValue(conversationId))
  }

  function unquote() {
    store.setQuoting(toValue(conversationId), null)
  }

  function setFocused(focused: boolean) {
    store.setFocused(draftKey.value, focused)
  }

  /** Leaving the composer: saves a conversation draft still waiting for its debounce. */
  function leave() {
    setFocused(false)
    if (!inThread.value) void drafts.flush(toValue(conversationId))
  }

  return { inThread, content, quote, clear, unquote, setFocused, leave }
}
