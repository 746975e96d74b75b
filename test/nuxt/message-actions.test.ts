import { afterEach, describe, expect, it, vi } from 'vitest'
import { DOMWrapper } from '@vue/test-utils'
import ChatMessageItem from '~/components/chat/MessageItem.vue'
import ChatReportModal from '~/components/chat/ReportModal.vue'
import type { Conversation, Message, User } from '#shared/types'
import type { ChatMessage } from '~/utils/chat/timeline'
import { CONVERSATION_ID, ME, conversation, message } from './fixtures'
import { inApp, mountInApp } from './mount'

const chat = (m: Message): ChatMessage => ({ ...m, status: 'sent' })
const mine = (seq: number, overrides: Partial<Message> = {}) => message(seq, { senderId: ME.id, sender: ME, ...overrides })

const mounted: { unmount: () => void }[] = []
/** Mounts and remembers the wrapper: unmounting it takes its portalled popovers and modals away too. */
async function track<T extends { unmount: () => void }>(wrapper: Promise<T>): Promise<T> {
  mounted.push(await wrapper)
  return mounted.at(-1) as T
}
afterEach(() => {
  for (const wrapper of mounted.splice(0)) wrapper.unmount()
})

async function mountRow(m: Message, options: { user?: User, conversation?: Partial<Conversation> } = {}) {
  inApp(() => useSession().signIn('token', options.user ?? ME))
  useConversationsStore().upsertConversation(conversation(options.conversation))
  useMessagesStore().applyLatestPage(CONVERSATION_ID, [m], false)
  const wrapper = await track(mountInApp(ChatMessageItem, { message: chat(m), grouped: false, own: m.senderId === (options.user ?? ME).id }))
  // The toolbar appears for the row the pointer is on (a system line has neither).
  const row = wrapper.find('[data-testid="message-item"]')
  if (row.exists()) await row.trigger('pointerenter')
  return wrapper
}

const shown = (wrapper: Awaited<ReturnType<typeof mountInApp>>) =>
  ['message-thread', 'message-quote', 'message-edit', 'message-delete', 'message-more', 'message-emoji-picker']
    .filter(id => wrapper.find(`[data-testid="${id}"]`).exists())

/** Opens the toolbar's "More" popover and lists what it offers (it renders in a portal). */
async function moreItems(wrapper: Awaited<ReturnType<typeof mountInApp>>) {
  await wrapper.find('[data-testid="message-more"]').trigger('click')
  await vi.waitFor(() => expect(document.querySelector('[data-testid="message-more-menu"]')).not.toBeNull())
  return [...document.querySelectorAll('[data-testid="message-more-menu"] [data-testid]')].map(el => el.getAttribute('data-testid'))
}

describe('message actions toolbar', () => {
  afterEach(() => useAuthStore().signOut())

  it('offers edit and delete on my own message, and no report', async () => {
    const wrapper = await mountRow(mine(1))
    expect(shown(wrapper)).toEqual(['message-thread', 'message-quote', 'message-edit', 'message-delete', 'message-more', 'message-emoji-picker'])
    expect(wrapper.findAll('[data-testid="quick-reaction"]').map(b => b.attributes('data-emoji'))).toEqual(['👍', '❤️', '😂', '🎉', '👀'])
    expect(await moreItems(wrapper)).toEqual(['message-copy-link'])
  })

  it('offers report but neither edit nor delete on someone else\'s message', async () => {
    const wrapper = await mountRow(message(1))
    expect(shown(wrapper)).toEqual(['message-thread', 'message-quote', 'message-more', 'message-emoji-picker'])
    expect(await moreItems(wrapper)).toEqual(['message-copy-link', 'message-report'])
  })

  it('lets members pin only when the conversation allows it', async () => {
    const wrapper = await mountRow(message(1), { conversation: { settings: { slowModeSeconds: 0, membersCanPin: true } } })
    expect(await moreItems(wrapper)).toEqual(['message-copy-link', 'message-pin', 'message-report'])
  })

  it('lets a conversation owner delete and pin others\' messages', async () => {
    const wrapper = await mountRow(message(1, { pinnedAt: new Date().toISOString() }), { conversation: { myRole: 'owner' } })
    expect(shown(wrapper)).toContain('message-delete')
    expect(shown(wrapper)).not.toContain('message-edit')
    expect(await moreItems(wrapper)).toEqual(['message-copy-link', 'message-pin', 'message-report'])
    expect(document.querySelector('[data-testid="message-pin"]')?.textContent).toContain('Unpin')
  })

  it('lets a global admin delete others\' messages', async () => {
    const wrapper = await mountRow(message(1), { user: { ...ME, role: 'admin' } })
    expect(shown(wrapper)).toContain('message-delete')
  })

  it('offers no thread on a thread reply, and no toolbar on deleted messages, unsent copies or system lines', async () => {
    expect(shown(await mountRow(message(2, { threadRootId: message(1).id })))).not.toContain('message-thread')
    expect((await mountRow(mine(1, { deletedAt: new Date().toISOString() }))).find('[data-testid="message-actions"]').exists()).toBe(false)
    expect((await mountRow(mine(0))).find('[data-testid="message-actions"]').exists()).toBe(false)
    expect((await mountRow(message(1, { type: 'system', content: 'Other added Me' }))).find('[data-testid="message-actions"]').exists()).toBe(false)
  })

  it('emits open-thread and quote with the message, for the panel to wire up', async () => {
    const m = message(1)
    const wrapper = await mountRow(m)
    await wrapper.find('[data-testid="message-thread"]').trigger('click')
    await wrapper.find('[data-testid="message-quote"]').trigger('click')
    const item = wrapper.findComponent(ChatMessageItem)
    expect(item.emitted('open-thread')?.[0]?.[0]).toMatchObject({ id: m.id })
    expect(item.emitted('quote')?.[0]?.[0]).toMatchObject({ id: m.id })
  })

  it('makes "(edited)" open the history for the author only', async () => {
    const editedAt = new Date().toISOString()
    const own = await mountRow(mine(1, { editedAt }))
    expect(own.find('[data-testid="message-edited"]').element.tagName).toBe('BUTTON')
    const other = await mountRow(message(2, { editedAt }))
    expect(other.find('[data-testid="message-edited"]').element.tagName).toBe('SPAN')
  })

  it('holds the toolbar open after a long press on touch, and not after a mouse press', async () => {
    const wrapper = await mountRow(message(1))
    const row = wrapper.find('[data-testid="message-item"]')
    const toolbar = () => wrapper.find('[data-testid="message-actions"]').classes()
    expect(toolbar()).toContain('hidden')
    row.element.dispatchEvent(new PointerEvent('pointerdown', { pointerType: 'mouse', bubbles: true }))
    await new Promise(resolve => setTimeout(resolve, 600))
    expect(toolbar()).toContain('hidden')
    row.element.dispatchEvent(new PointerEvent('pointerup', { pointerType: 'mouse', bubbles: true }))
    row.element.dispatchEvent(new PointerEvent('pointerdown', { pointerType: 'touch', bubbles: true }))
    await vi.waitFor(() => expect(toolbar()).not.toContain('hidden'), { timeout: 1500 })
    expect(toolbar()).toContain('flex')
  })

  it('builds a row\'s toolbar when the row is first pointed at or focused, not before', async () => {
    inApp(() => useSession().signIn('token', ME))
    useConversationsStore().upsertConversation(conversation())
    const m = message(1)
    useMessagesStore().applyLatestPage(CONVERSATION_ID, [m], false)
    const mount = () => track(mountInApp(ChatMessageItem, { message: chat(m), grouped: false, own: false }))
    const toolbar = (wrapper: Awaited<ReturnType<typeof mount>>) => wrapper.find('[data-testid="message-actions"]')

    const pointed = await mount()
    expect(toolbar(pointed).exists()).toBe(false)
    await pointed.find('[data-testid="message-item"]').trigger('pointerenter')
    expect(toolbar(pointed).exists()).toBe(true)
    await pointed.find('[data-testid="message-item"]').trigger('pointerleave')
    expect(toolbar(pointed).classes()).toContain('hidden')

    // A keyboard user tabs to the row: the toolbar is there to tab into.
    const focused = await mount()
    await focused.find('[data-testid="message-item"]').trigger('focusin')
    expect(toolbar(focused).find('[data-testid="message-thread"]').exists()).toBe(true)
  })

  it('copies an absolute link to the message', async () => {
    const wrapper = await mountRow(message(7))
    const link = inApp(useMessageActions).linkTo(message(7))
    expect(link).toBe(`${window.location.origin}/c/${CONVERSATION_ID}#m-7`)
    expect(wrapper.exists()).toBe(true)
  })
})

describe('report modal', () => {
  const inBody = (selector: string) => new DOMWrapper(document.querySelector(selector)!)

  it('wants a reason, and a description when the reason is "other"', async () => {
    const submit = vi.fn(async () => true)
    const wrapper = await track(mountInApp(ChatReportModal, { submit, open: true }))
    await vi.waitFor(() => expect(document.querySelector('[data-testid="report-submit"]')).not.toBeNull())

    await inBody('[data-testid="report-submit"]').trigger('click')
    await nextTick()
    expect(document.body.textContent).toContain('Choose a reason')
    expect(submit).not.toHaveBeenCalled()

    const radios = [...document.querySelectorAll<HTMLElement>('[role="radio"]')]
    expect(radios).toHaveLength(7)
    await new DOMWrapper(radios.at(-1)!).trigger('click')
    await inBody('[data-testid="report-submit"]').trigger('click')
    await nextTick()
    expect(document.body.textContent).toContain('Say what is wrong')
    expect(submit).not.toHaveBeenCalled()

    await inBody('textarea[data-testid="report-description"], [data-testid="report-description"] textarea').setValue('Posting my phone number')
    await inBody('[data-testid="report-submit"]').trigger('click')
    await vi.waitFor(() => expect(submit).toHaveBeenCalledWith({ reason: 'other', description: 'Posting my phone number' }))
    await vi.waitFor(() => expect(wrapper.findComponent(ChatReportModal).emitted('close')).toEqual([[true]]))
  })

  it('sends a plain reason without a description and stays open when the server refuses', async () => {
    const submit = vi.fn(async () => false)
    const wrapper = await track(mountInApp(ChatReportModal, { submit, open: true }))
    await vi.waitFor(() => expect(document.querySelector('[role="radio"]')).not.toBeNull())
    await new DOMWrapper(document.querySelector<HTMLElement>('[role="radio"]')!).trigger('click')
    await inBody('[data-testid="report-submit"]').trigger('click')
    await vi.waitFor(() => expect(submit).toHaveBeenCalledWith({ reason: 'spam' }))
    expect(wrapper.findComponent(ChatReportModal).emitted('close')).toBeUndefined()
  })
})
