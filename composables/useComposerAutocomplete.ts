import type { UserSummary } from '#shared/types'
import { mentionQueryAt } from '#shared/mentions'
import { applyCompletion, emojiQueryAt, mentionSuggestions } from '~/utils/chat/autocomplete'
import type { Suggestion } from '~/utils/chat/autocomplete'

type Trigger = { kind: 'mention' | 'emoji', start: number, query: string }

interface AutocompleteOptions {
  /** The composer's text, written back when a suggestion is chosen. */
  text: Ref<string>
  textarea: () => HTMLTextAreaElement | null
  people: MaybeRefOrGetter<readonly UserSummary[]>
  myId: MaybeRefOrGetter<string | undefined>
}

/**
 * The composer's @mention and :emoji menu: what the caret is completing, the suggestions for it,
 * the active row, and the keys that drive it.
 */
export function useComposerAutocomplete({ text, textarea, people, myId }: AutocompleteOptions) {
  const emoji = useComposerEmoji()
  const trigger = ref<Trigger | null>(null)
  const suggestions = ref<Suggestion[]>([])
  const active = ref(0)
  /** Escape closes the menu for this trigger only; typing another @ or : opens it again. */
  const dismissedStart = ref<number | null>(null)
  const menuId = useId()
  // Every refresh takes a number; an answer for an older one is dropped.
  let searchToken = 0

  const menuOpen = computed(() => !!trigger.value && suggestions.value.length > 0)
  const label = computed(() => trigger.value?.kind === 'emoji' ? 'Emoji' : 'People')

  function close() {
    searchToken++
    trigger.value = null
    suggestions.value = []
  }

  /**
   * Reads text and caret from the element together: the input listener runs before the textarea
   * hands its value to the model, and a caret past stale text made `:thumbsup:` look unfinished.
   */
  function caretText(): { value: string, caret: number } {
    const el = textarea()
    const value = el?.value ?? text.value
    return { value, caret: el?.selectionStart ?? value.length }
  }

  async function refresh() {
    const { value, caret } = caretText()
    const mention = mentionQueryAt(value, caret)
    const emojiQuery = mention ? null : emojiQueryAt(value, caret)
    const next: Trigger | null = mention ? { kind: 'mention', ...mention } : emojiQuery ? { kind: 'emoji', ...emojiQuery } : null
    if (!next || next.start === dismissedStart.value) {
      if (!next) dismissedStart.value = null
      close()
      return
    }
    const changed = trigger.value?.start !== next.start || trigger.value.query !== next.query
    trigger.value = next
    const token = ++searchToken
    const found = next.kind === 'mention'
      ? mentionSuggestions(toValue(people), next.query, { myId: toValue(myId) })
      : (await emoji.search(next.query)).map((e): Suggestion => ({ key: e.unicode, label: `:${e.shortcodes[0]}:`, insert: e.unicode, emoji: e.unicode, hint: e.label }))
    if (token !== searchToken) return
    suggestions.value = found
    if (changed || active.value >= found.length) active.value = 0
  }

  async function choose(index: number) {
    const item = suggestions.value[index]
    const at = trigger.value
    if (!item || !at) return
    const el = textarea()
    const { value, caret } = caretText()
    const next = applyCompletion(value, at.start, caret, item.insert)
    text.value = next.text
    close()
    await nextTick()
    el?.focus()
    el?.setSelectionRange(next.caret, next.caret)
  }

  /** Handles the keys the open menu owns; false when the key is the composer's. */
  function onKeydown(event: KeyboardEvent): boolean {
    if (!menuOpen.value) return false
    const count = suggestions.value.length
    if (event.key === 'ArrowDown') active.value = (active.value + 1) % count
    else if (event.key === 'ArrowUp') active.value = (active.value - 1 + count) % count
    else if ((event.key === 'Enter' || event.key === 'Tab') && !event.shiftKey && !event.isComposing) void choose(active.value)
    else if (event.key === 'Escape') {
      dismissedStart.value = trigger.value?.start ?? null
      close()
    } else return false
    event.preventDefault()
    event.stopPropagation()
    return true
  }

  return { suggestions, active, menuId, menuOpen, label, refresh, choose, close, onKeydown }
}
