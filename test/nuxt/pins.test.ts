import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import ChatPinnedPanel from '~/components/chat/PinnedPanel.vue'
import type { Message } from '#shared/types'
import { CONVERSATION_ID, ME, conversation, message } from './fixtures'
import { inApp, mountInApp } from './mount'

let served: Message[] = []
let reads = 0
registerEndpoint(`/api/conversations/${CONVERSATION_ID}/pins`, () => {
  reads++
  return { messages: served }
})

describe('pinned messages', () => {
  beforeEach(() => {
    inApp(() => useSession().signIn('token', ME))
    useConversationsStore().upsertConversation(conversation())
    served = []
    reads = 0
  })
  afterEach(() => useAuthStore().signOut())

  it('reads the pins and reads again when a loaded message is pinned', async () => {
    const first = message(1)
    useMessagesStore().applyLatestPage(CONVERSATION_ID, [first, message(2)], false)
    const pins = inApp(() => usePins(CONVERSATION_ID))
    await vi.waitFor(() => expect(reads).toBe(1))
    expect(pins.pins.value).toEqual([])

    const pinned = { ...first, updatedSeq: 3, pinnedAt: new Date().toISOString() }
    served = [pinned]
    useMessagesStore().upsert(pinned)
    await vi.waitFor(() => expect(pins.pins.value.map(m => m.id)).toEqual([first.id]))
    expect(reads).toBe(2)
  })

  it('shows the count on the header button and lists the pins, jumping on click', async () => {
    const pin = message(4, { content: 'Release checklist', pinnedAt: new Date().toISOString() })
    const wrapper = await mountInApp(ChatPinnedPanel, { pins: [pin], loading: false, error: null })
    const button = wrapper.find('[data-testid="pinned-button"]')
    expect(button.text()).toBe('1')
    expect(button.attributes('aria-label')).toBe('1 pinned message')
    await button.trigger('click')
    await vi.waitFor(() => expect(document.querySelector('[data-testid="pinned-item"]')?.textContent).toContain('Release checklist'))
    document.querySelector<HTMLElement>('[data-testid="pinned-item"]')!.click()
    expect(wrapper.findComponent(ChatPinnedPanel).emitted('jump')?.[0]?.[0]).toMatchObject({ id: pin.id })
    wrapper.unmount()
  })
})
