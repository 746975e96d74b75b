import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import ChatMessageList from '~/components/chat/MessageList.vue'
import { CONVERSATION_ID, ME, conversation, message } from './fixtures'
import { inApp, mountInApp } from './mount'

// happy-dom has no layout: this gives the list's scroller and its rows the sizes a browser would,
// and makes the scroller behave like one (offsets clamped to its content, a scroll event after a move).
const VIEW_PX = 600
const ROW_PX = 80
const DAY_LINE_PX = 40
const MAX_RENDERED = 60
// Rendering rows in happy-dom on a busy machine takes seconds: wait for the list, not for a fixed time.
const LONG = { timeout: 60_000 }

const isScroller = (el: Element) => el.getAttribute('data-testid') === 'message-list'
const contentHeight = (el: Element) => Number.parseFloat(el.querySelector<HTMLElement>('[data-testid="message-rows"]')?.style.height ?? '0') || 0
const offsets = new WeakMap<Element, number>()
const patched: [object, string, PropertyDescriptor | undefined][] = []

function patch(target: object, key: string, descriptor: PropertyDescriptor) {
  patched.push([target, key, Object.getOwnPropertyDescriptor(target, key)])
  Object.defineProperty(target, key, { configurable: true, ...descriptor })
}

function fakeLayout() {
  const proto = HTMLElement.prototype
  patch(proto, 'clientHeight', { get(this: HTMLElement) { return isScroller(this) ? VIEW_PX : 0 } })
  patch(proto, 'clientWidth', { get(this: HTMLElement) { return isScroller(this) ? 800 : 0 } })
  patch(proto, 'offsetHeight', { get(this: HTMLElement) { return isScroller(this) ? VIEW_PX : this.hasAttribute('data-index') ? rowHeight(this) : 0 } })
  patch(proto, 'scrollHeight', { get(this: HTMLElement) { return isScroller(this) ? Math.max(VIEW_PX, contentHeight(this)) : 0 } })
  patch(proto, 'scrollTop', {
    get(this: HTMLElement) { return offsets.get(this) ?? 0 },
    set(this: HTMLElement, value: number) {
      const max = Math.max(0, this.scrollHeight - this.clientHeight)
      offsets.set(this, Math.min(max, Math.max(0, value)))
      if (isScroller(this)) setTimeout(() => this.dispatchEvent(new Event('scroll')))
    }
  })
  patch(window, 'ResizeObserver', { value: FakeResizeObserver, writable: true })
}

/** A row is taller by its day line: the first loaded row loses it when older rows of that day come. */
const rowHeight = (row: Element) => ROW_PX + (row.querySelector('[data-testid="day-separator"]') ? DAY_LINE_PX : 0)

/** Reports size changes after each "layout", as a browser's ResizeObserver does. */
class FakeResizeObserver {
  static all = new Set<FakeResizeObserver>()
  private sizes = new Map<Element, number>()
  constructor(private callback: ResizeObserverCallback) { FakeResizeObserver.all.add(this) }
  observe(target: Element) { this.sizes.set(target, -1) }
  unobserve(target: Element) { this.sizes.delete(target) }
  disconnect() {
    this.sizes.clear()
    FakeResizeObserver.all.delete(this)
  }

  flush() {
    const entries = [...this.sizes].flatMap(([target, last]) => {
      const height = (target as HTMLElement).offsetHeight
      if (height === last) return []
      this.sizes.set(target, height)
      const box = { blockSize: height, inlineSize: 800 }
      return [{ target, borderBoxSize: [box], contentBoxSize: [box], devicePixelContentBoxSize: [box], contentRect: { height, width: 800 } }]
    })
    if (entries.length) this.callback(entries as unknown as ResizeObserverEntry[], this as unknown as ResizeObserver)
  }
}

function restoreLayout() {
  for (const [target, key, descriptor] of patched.splice(0).reverse()) {
    if (descriptor) Object.defineProperty(target, key, descriptor)
    else Reflect.deleteProperty(target, key)
  }
}

const seqs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => message(from + i))

type Wrapper = Awaited<ReturnType<typeof mountInApp>>
const scroller = (wrapper: Wrapper) => wrapper.find('[data-testid="message-list"]').element as HTMLElement
const renderedIds = (wrapper: Wrapper) => wrapper.findAll('[data-testid="message-item"]').map(item => item.attributes('data-message-id'))

/** Each rendered row: its message and its top edge relative to the top of the view. */
function rowsInView(wrapper: Wrapper) {
  const top = scroller(wrapper).scrollTop
  return wrapper.findAll('[data-index]').map((row) => {
    const y = Number(/translateY\((-?[\d.]+)px\)/.exec((row.element as HTMLElement).style.transform)?.[1])
    return { id: row.find('[data-testid="message-item"]').attributes('data-message-id'), offset: y - top }
  }).filter(row => row.offset + ROW_PX > 0 && row.offset < VIEW_PX)
}

/** Waits until the list stops moving: it scrolls in animation frames and reads its offset back from the scroll event. */
async function settle(wrapper: Wrapper) {
  const state = () => `${scroller(wrapper).scrollTop} ${wrapper.findAll('[data-index]').map(row => (row.element as HTMLElement).style.transform).join()}`
  let last = ''
  let stable = 0
  const deadline = Date.now() + 60_000
  while (stable < 3 && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 50))
    await nextTick()
    for (const observer of FakeResizeObserver.all) observer.flush()
    const now = state()
    stable = now === last ? stable + 1 : 0
    last = now
  }
}

describe('a long conversation renders only the rows near the view', () => {
  beforeEach(() => {
    fakeLayout()
    inApp(() => useSession().signIn('token', ME))
    useConversationsStore().upsertConversation(conversation())
  })
  afterEach(() => {
    restoreLayout()
    useAuthStore().signOut()
  })

  it('opens 2,000 messages at the latest with a bounded number of rows in the DOM', async () => {
    useMessagesStore().applyLatestPage(CONVERSATION_ID, seqs(1, 2000), false)
    const wrapper = await mountInApp(ChatMessageList, { conversationId: CONVERSATION_ID })
    await vi.waitFor(() => expect(renderedIds(wrapper)).toContain(message(2000).id), LONG)
    await settle(wrapper)
    const ids = renderedIds(wrapper)
    expect(ids.length).toBeGreaterThanOrEqual(VIEW_PX / ROW_PX)
    expect(ids.length).toBeLessThanOrEqual(MAX_RENDERED)
    expect(ids).not.toContain(message(1).id)
    // The latest message is in view, at the bottom.
    expect(rowsInView(wrapper).map(r => r.id)).toContain(message(2000).id)
    const el = scroller(wrapper)
    expect(el.scrollHeight - el.scrollTop - el.clientHeight).toBeLessThanOrEqual(48)
  }, 180_000)

  it('keeps the first visible message where it was when an older page is prepended', async () => {
    useMessagesStore().applyLatestPage(CONVERSATION_ID, seqs(1001, 2000), true)
    const wrapper = await mountInApp(ChatMessageList, { conversationId: CONVERSATION_ID })
    await vi.waitFor(() => expect(renderedIds(wrapper)).toContain(message(2000).id), LONG)
    await settle(wrapper)

    // The reader scrolls up into the middle of the loaded history.
    const el = scroller(wrapper)
    el.scrollTop = el.scrollTop - 30 * ROW_PX - 37
    await settle(wrapper)
    const [first] = rowsInView(wrapper)
    expect(first).toBeDefined()
    expect(first!.id).not.toBe(message(2000).id)
    const before = el.scrollTop

    useMessagesStore().applyOlderPage(CONVERSATION_ID, seqs(951, 1000), true)
    await settle(wrapper)

    const after = rowsInView(wrapper).find(r => r.id === first!.id)
    expect(after, 'the first visible message left the view').toBeDefined()
    expect(Math.abs(after!.offset - first!.offset)).toBeLessThanOrEqual(1)
    expect(el.scrollTop).toBeGreaterThan(before)
    expect(renderedIds(wrapper).length).toBeLessThanOrEqual(MAX_RENDERED)
  }, 180_000)

  it('renders an old message when the reader jumps to its seq, and highlights it', async () => {
    useMessagesStore().applyLatestPage(CONVERSATION_ID, seqs(1, 2000), false)
    const wrapper = await mountInApp(ChatMessageList, { conversationId: CONVERSATION_ID }, { route: `/c/${CONVERSATION_ID}` })
    await vi.waitFor(() => expect(renderedIds(wrapper)).toContain(message(2000).id), LONG)
    expect(renderedIds(wrapper)).not.toContain(message(300).id)

    await navigateTo(`/c/${CONVERSATION_ID}${messageHash(300)}`)
    await vi.waitFor(() => expect(wrapper.find('[data-highlighted="true"]').attributes('data-message-id')).toBe(message(300).id), LONG)
    await settle(wrapper)
    expect(rowsInView(wrapper).map(r => r.id)).toContain(message(300).id)
    const ids = renderedIds(wrapper)
    expect(ids).not.toContain(message(2000).id)
    expect(ids.length).toBeLessThanOrEqual(MAX_RENDERED)
  }, 180_000)
})
