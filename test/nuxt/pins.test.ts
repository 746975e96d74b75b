import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import ChatPinnedPanel from '~/components/chat/PinnedPanel.vue'
import ChatConversationPanel from '~/components/chat/ConversationPanel.vue'
import type { Conversation, Message } from '#shared/types'
import { CONVERSATION_ID, ME, PROJECT_ID, conversation, message } from './fixtures'
import { inApp, mountInApp } from './mount'

let served: Message[] = []
let opened: Conversation = conversation()
registerEndpoint('/api/projects', () => ({ projects: [{ id: PROJECT_ID, name: 'Project', myRole: 'member' }] }))
registerEndpoint(`/api/projects/${PROJECT_ID}/conversations`, () => ({ conversations: [opened] }))
registerEndpoint(`/api/projects/${PROJECT_ID}/members`, () => ({ members: [] }))
registerEndpoint(`/api/conversations/${CONVERSATION_ID}`, () => ({ conversation: opened, participants: [] }))
registerEndpoint(`/api/conversations/${CONVERSATION_ID}/messages`, () => ({ messages: [message(1)], hasMore: false }))
registerEndpoint(`/api/conversations/${CONVERSATION_ID}/draft`, () => ({ draft: null }))
registerEndpoint('/api/scheduled', () => ({ scheduled: [] }))
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

  it('offers Pin in the More menu to those who may pin, and tells only them to look there', async () => {
    const mount = async (settings: Conversation['settings']) => {
      opened = conversation({ settings })
      useConversationsStore().upsertConversation(opened)
      const wrapper = await mountInApp(ChatConversationPanel, { conversationId: CONVERSATION_ID }, { route: `/c/${CONVERSATION_ID}` })
      await vi.waitFor(() => expect(wrapper.find('[data-testid="message-item"]').exists()).toBe(true))
      await wrapper.find('[data-testid="message-item"]').trigger('pointerenter')
      await vi.waitFor(() => expect(wrapper.find('[data-testid="message-more"]').exists()).toBe(true))
      await wrapper.find('[data-testid="message-more"]').trigger('click')
      await vi.waitFor(() => expect(document.querySelector('[data-testid="message-more-menu"]')).not.toBeNull())
      const offersPin = !!document.querySelector('[data-testid="message-more-menu"] [data-testid="message-pin"]')
      const canPin = wrapper.findComponent(ChatPinnedPanel).props('canPin')
      wrapper.unmount()
      return { offersPin, canPin }
    }
    expect(await mount({ slowModeSeconds: 0 })).toEqual({ offersPin: false, canPin: false })
    expect(await mount({ slowModeSeconds: 0, membersCanPin: true })).toEqual({ offersPin: true, canPin: true })

    const hint = async (canPin: boolean) => {
      const wrapper = await mountInApp(ChatPinnedPanel, { pins: [], loading: false, error: null, canPin })
      await wrapper.find('[data-testid="pinned-button"]').trigger('click')
      await vi.waitFor(() => expect(document.querySelector('[data-testid="pinned-empty"]')).not.toBeNull())
      const text = document.querySelector('[data-testid="pinned-empty"]')!.textContent!
      wrapper.unmount()
      return text
    }
    expect(await hint(false)).not.toContain('More')
    expect(await hint(false)).toContain('owners and admins')
    expect(await hint(true)).toContain('“More” menu')
  })
})
