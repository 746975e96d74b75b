import type { Draft } from '#shared/draft-schemas'

/** How long typing pauses before the draft is saved. */
export const DRAFT_SAVE_DELAY_MS = 800

// One timer per conversation, shared by every composer of it (the app runs in the browser only).
const timers = new Map<string, ReturnType<typeof setTimeout>>()
/** Conversations with a save on its way: a send then must clear what it may leave on the server. */
const saving = new Set<string>()

/** Drafts kept on the server: restored on open, saved while typing (debounced), cleared on send. */
export function useDrafts() {
  const api = useApi()
  const store = useDraftsStore()

  /** Reads the server's draft once per session and conversation. */
  async function restore(conversationId: string) {
    if (store.restored[conversationId]) return
    try {
      const { draft } = await api<{ draft: Draft | null }>(`/api/conversations/${conversationId}/draft`)
      store.applyRemote(conversationId, draft?.content ?? '', { whileFocused: true })
    } catch (error) {
      console.warn('[chat] could not read the draft', error)
    }
  }

  async function save(conversationId: string) {
    clearTimeout(timers.get(conversationId))
    timers.delete(conversationId)
    const content = store.content[conversationId] ?? ''
    saving.add(conversationId)
    try {
      await api(`/api/conversations/${conversationId}/draft`, { method: 'PUT', body: { content } })
      store.markSaved(conversationId, content)
    } catch (error) {
      console.warn('[chat] could not save the draft', error)
    } finally {
      saving.delete(conversationId)
    }
  }

  /** The member typed: remember it now, save once typing pauses. */
  function edit(conversationId: string, text: string) {
    store.edit(conversationId, text)
    clearTimeout(timers.get(conversationId))
    timers.set(conversationId, setTimeout(() => void save(conversationId), DRAFT_SAVE_DELAY_MS))
  }

  /** Saves at once what waits for the timer (leaving the conversation, closing the tab). */
  async function flush(conversationId: string) {
    if (timers.has(conversationId)) await save(conversationId)
  }

  /** After a send: nothing left to restore, here or on other devices. */
  function clear(conversationId: string) {
    // A save still waiting for its timer is simply dropped; one already sent or saved is undone.
    const hadDraft = saving.has(conversationId) || !!store.remote[conversationId]
    clearTimeout(timers.get(conversationId))
    timers.delete(conversationId)
    store.clear(conversationId)
    if (hadDraft) void save(conversationId)
  }

  return { restore, edit, save, flush, clear }
}
