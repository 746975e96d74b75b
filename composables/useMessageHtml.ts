/** Code blocks longer than this many lines start collapsed. */
export const COLLAPSE_LINES = 15

/**
 * Enhances a message's rendered (server-sanitized) HTML after it is in the DOM: a copy button on
 * every code block, long blocks collapsed behind "Show more", and the reader's own mentions marked.
 * The buttons carry their labels in attributes (drawn by CSS), so the body's text stays the message's.
 */
export function useMessageHtml(root: Ref<HTMLElement | null | undefined>, html: () => string | undefined, myId: () => string | undefined) {
  const toast = useToast()
  const { copy } = useClipboard({ legacy: true })

  function enhance(el: HTMLElement) {
    for (const pre of el.querySelectorAll<HTMLPreElement>('pre')) {
      if (pre.parentElement?.classList.contains('code-block')) continue
      const wrapper = document.createElement('div')
      wrapper.className = 'code-block'
      pre.replaceWith(wrapper)
      wrapper.append(pre)
      const copyButton = document.createElement('button')
      copyButton.type = 'button'
      copyButton.className = 'code-copy'
      copyButton.dataset.codeAction = 'copy'
      copyButton.dataset.label = 'Copy'
      copyButton.setAttribute('aria-label', 'Copy code')
      copyButton.dataset.testid = 'code-copy'
      wrapper.append(copyButton)
      const lines = (pre.textContent ?? '').replace(/\n$/, '').split('\n').length
      if (lines > COLLAPSE_LINES) {
        wrapper.dataset.collapsed = 'true'
        const toggle = document.createElement('button')
        toggle.type = 'button'
        toggle.className = 'code-toggle'
        toggle.dataset.codeAction = 'toggle'
        toggle.dataset.testid = 'code-toggle'
        wrapper.append(toggle)
        setExpanded(wrapper, toggle, false, lines)
      }
    }
    const me = myId()
    for (const mention of el.querySelectorAll<HTMLElement>('.mention')) {
      mention.classList.toggle('mention-me', !!me && mention.dataset.userId === me)
    }
  }

  function setExpanded(wrapper: HTMLElement, toggle: HTMLElement, expanded: boolean, lines: number) {
    wrapper.dataset.collapsed = expanded ? 'false' : 'true'
    toggle.setAttribute('aria-expanded', String(expanded))
    toggle.dataset.label = expanded ? 'Show less' : `Show more (${lines} lines)`
    toggle.setAttribute('aria-label', expanded ? 'Show less of the code' : `Show all ${lines} lines of the code`)
  }

  async function onClick(event: MouseEvent) {
    const button = (event.target as HTMLElement | null)?.closest<HTMLElement>('[data-code-action]')
    const wrapper = button?.closest<HTMLElement>('.code-block')
    const pre = wrapper?.querySelector('pre')
    if (!button || !wrapper || !pre) return
    if (button.dataset.codeAction === 'toggle') {
      const lines = (pre.textContent ?? '').replace(/\n$/, '').split('\n').length
      setExpanded(wrapper, button, wrapper.dataset.collapsed === 'true', lines)
      return
    }
    try {
      await copy(pre.textContent ?? '')
      toast.add({ title: 'Code copied', icon: 'i-lucide-clipboard-check', color: 'success' })
    } catch {
      toast.add({ title: 'Could not copy the code', color: 'error' })
    }
  }

  useEventListener(root, 'click', onClick)
  // v-html replaces the children when the HTML changes (an edit): enhance the new ones after the patch.
  watch([root, html, myId], async () => {
    await nextTick()
    if (root.value) enhance(root.value)
  }, { immediate: true, flush: 'post' })
}
