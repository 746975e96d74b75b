import type { QuotedMessage } from '#shared/types'

/**
 * What the member is writing, per conversation: the text (kept on the server as a draft), whether
 * it changed since the last save, whether a composer has it focused, and the message being quoted.
 */
export const useDraftsStore = defineStore('drafts', () => {
  const content = ref<Record<string, string>>({})
  /** Typed here and not yet saved: a draft from another device must not overwrite it. */
  const dirty = ref<Record<string, boolean>>({})
  const focused = ref<Record<string, boolean>>({})
  /** The server's draft was read once this session. */
  const restored = ref<Record<string, boolean>>({})
  const quoting = ref<Record<string, QuotedMessage | null>>({})
  /** The text the server holds, as far as this tab knows: a send clears it only when there is one. */
  const remote = ref<Record<string, string>>({})

  function reset() {
    content.value = {}
    dirty.value = {}
    focused.value = {}
    restored.value = {}
    quoting.value = {}
    remote.value = {}
  }

  /** The member typed. */
  function edit(conversationId: string, text: string) {
    content.value[conversationId] = text
    dirty.value[conversationId] = true
  }

  /** The server now holds `text`; the composer is clean unless typing went on meanwhile. */
  function markSaved(conversationId: string, text: string) {
    remote.value[conversationId] = text
    if ((content.value[conversationId] ?? '') === text) dirty.value[conversationId] = false
  }

  /**
   * The server's copy (on open, or draft:updated from another device). Taken unless the member is
   * typing here: unsaved text wins, and so does a focused composer for another device's changes
   * (the composer autofocuses on open, so the first read may fill it anyway).
   */
  function applyRemote(conversationId: string, text: string, options: { whileFocused?: boolean } = {}) {
    restored.value[conversationId] = true
    remote.value[conversationId] = text
    if (dirty.value[conversationId] || (focused.value[conversationId] && !options.whileFocused)) return false
    content.value[conversationId] = text
    return true
  }

  /** Sent: the text is gone here and on the server. */
  function clear(conversationId: string) {
    content.value[conversationId] = ''
    dirty.value[conversationId] = false
    quoting.value[conversationId] = null
  }

  function setFocused(conversationId: string, value: boolean) {
    focused.value[conversationId] = value
  }

  function setQuoting(conversationId: string, quote: QuotedMessage | null) {
    quoting.value[conversationId] = quote
  }

  return { content, dirty, focused, restored, quoting, remote, reset, edit, markSaved, applyRemote, clear, setFocused, setQuoting }
})
