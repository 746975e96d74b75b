import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { flushPromises } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import ChatMessageList from '~/components/chat/MessageList.vue'
import type { Receipt } from '#shared/receipt-schemas'
import type { Participant } from '#shared/types'
import { CONVERSATION_ID, ME, OTHER, conversation, message } from './fixtures'
import { inApp, mountInApp } from './mount'

const CAROL = { id: '00000000-0000-4000-8000-000000000003', displayName: 'Carol', avatarUrl: null }

let served: Receipt[] = []
let reads = 0
registerEndpoint(`/api/conversations/${CONVERSATION_ID}/receipts`, () => {
  reads++
  return { receipts: served }
})

const receipt = (userId: string, deliveredSeq: number, readSeq: number): Receipt => ({ userId, deliveredSeq, readSeq, readAt: readSeq ? new Date().toISOString() : null })
const mine = (seq: number) => message(seq, { senderId: ME.id, sender: { id: ME.id, displayName: ME.displayName, avatarUrl: null } })
const participant = (u: { id: string, displayName: string }): Participant =>
  ({ id: u.id, userId: u.id, displayName: u.displayName, avatarUrl: null, email: `${u.id}@example.com`, role: 'member', lastReadSeq: 0, joinedAt: new Date().toISOString() })

/** Delivers a server event to the listeners the socket plugin registered. */
function serverSends(event: string, payload: unknown) {
  const socket = useSocket() as unknown as { listeners: (event: string) => ((payload: unknown) => void)[] }
  for (const listener of socket.listeners(event)) listener(payload)
}

let mounted: Awaited<ReturnType<typeof mountInApp>> | undefined
/** Mounts the list; the one of the test before is gone, so its watchers read nothing more. */
async function mountList(options: { attachTo?: HTMLElement } = {}) {
  mounted = await mountInApp(ChatMessageList, { conversationId: CONVERSATION_ID }, options)
  return mounted
}
afterEach(() => {
  mounted?.unmount()
  mounted = undefined
})

const ticks = (wrapper: Awaited<ReturnType<typeof mountInApp>>) => wrapper.findAll('[data-testid="message-item"]')
  .map(item => item.find('[data-testid="receipt-ticks"]'))
  .map(t => t.exists() ? t.attributes('aria-label') : null)

describe('receipts in a DM', () => {
  beforeEach(() => {
    reads = 0
    inApp(() => useSession().signIn('token', ME))
    useConversationsStore().upsertConversation(conversation({ type: 'direct', title: 'Other', peer: OTHER, lastSeq: 4 }))
    useMessagesStore().applyLatestPage(CONVERSATION_ID, [mine(1), mine(2), message(3), mine(4)], false)
  })
  afterEach(() => useAuthStore().signOut())

  it('ticks the member\'s own messages: one when sent, two when delivered, two coloured when read', async () => {
    served = [receipt(ME.id, 4, 3), receipt(OTHER.id, 2, 1)]
    const wrapper = await mountList()
    await vi.waitFor(() => expect(ticks(wrapper)).toEqual(['Read', 'Delivered', null, 'Sent']))
    const icons = wrapper.findAll('[data-testid="receipt-ticks"]')
    expect(icons.map(i => i.attributes('data-state'))).toEqual(['read', 'delivered', 'sent'])
    expect(icons[0]!.classes()).toContain('text-primary')
    expect(icons[1]!.classes()).not.toContain('text-primary')

    // Live: the peer's devices get the last one, then the peer reads everything.
    serverSends('delivered:update', { conversationId: CONVERSATION_ID, userId: OTHER.id, seq: 4 })
    await nextTick()
    expect(ticks(wrapper)).toEqual(['Read', 'Delivered', null, 'Delivered'])
    serverSends('read:update', { conversationId: CONVERSATION_ID, userId: OTHER.id, seq: 4 })
    await nextTick()
    expect(ticks(wrapper)).toEqual(['Read', 'Read', null, 'Read'])
    // A late event never takes a receipt back.
    serverSends('read:update', { conversationId: CONVERSATION_ID, userId: OTHER.id, seq: 1 })
    await nextTick()
    expect(ticks(wrapper)).toEqual(['Read', 'Read', null, 'Read'])
  })

  it('shows only "Sent" to a member who turned receipts off, and asks for none', async () => {
    useAuthStore().setUser({ ...ME, readReceipts: false })
    served = [receipt(OTHER.id, 4, 4)]
    const wrapper = await mountList()
    await flushPromises()
    expect(ticks(wrapper)).toEqual(['Sent', 'Sent', null, 'Sent'])
    expect(reads).toBe(0)
  })
})

describe('"Seen by" in a group', () => {
  beforeEach(() => {
    reads = 0
    inApp(() => useSession().signIn('token', ME))
    const conversations = useConversationsStore()
    conversations.upsertConversation(conversation({ type: 'group', title: 'team', lastSeq: 2 }))
    conversations.setParticipants(CONVERSATION_ID, [participant(ME), participant(OTHER), participant(CAROL)])
    useMessagesStore().applyLatestPage(CONVERSATION_ID, [message(1), mine(2)], false)
  })
  afterEach(() => useAuthStore().signOut())

  it('counts, under the latest message, those besides its sender who read it, and names them on tap', async () => {
    served = [receipt(ME.id, 2, 2), receipt(OTHER.id, 2, 2), receipt(CAROL.id, 1, 1)]
    const wrapper = await mountList({ attachTo: document.body })
    await vi.waitFor(() => expect(wrapper.find('[data-testid="seen-by"]').exists()).toBe(true))
    expect(wrapper.findAll('[data-testid="seen-by"]')).toHaveLength(1)
    const button = wrapper.find('[data-testid="seen-by-button"]')
    expect(button.text()).toBe('Seen by 1')
    expect(button.attributes('aria-label')).toBe('Seen by 1: Other')
    // It sits under the latest message, not under older ones.
    const html = wrapper.html()
    expect(html.indexOf('data-testid="seen-by"')).toBeGreaterThan(html.indexOf(`data-message-id="${mine(2).id}"`))

    await button.trigger('click')
    await vi.waitFor(() => expect(document.body.querySelector('[data-testid="seen-by-names"]')?.textContent).toContain('Other'))

    serverSends('read:update', { conversationId: CONVERSATION_ID, userId: CAROL.id, seq: 2 })
    await nextTick()
    expect(wrapper.find('[data-testid="seen-by-button"]').text()).toBe('Seen by 2')
    expect(wrapper.find('[data-testid="seen-by-button"]').attributes('aria-label')).toBe('Seen by 2: Carol, Other')
  })

  it('shows nothing while nobody else has read it', async () => {
    served = [receipt(ME.id, 2, 2), receipt(OTHER.id, 1, 1)]
    const wrapper = await mountList()
    await vi.waitFor(() => expect(reads).toBe(1))
    await flushPromises()
    expect(wrapper.find('[data-testid="seen-by"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="receipt-ticks"]').exists()).toBe(false)
  })
})
