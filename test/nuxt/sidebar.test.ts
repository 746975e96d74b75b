import { beforeEach, describe, expect, it } from 'vitest'
import ChatConversationSection from '~/components/chat/ConversationSection.vue'
import { ME, PROJECT_ID, conversation } from './fixtures'
import { inApp, mountInApp } from './mount'

const GENERAL = conversation({ id: '00000000-0000-4000-8000-0000000000a1', title: 'general', unreadCount: 3 })
const DESIGN = conversation({ id: '00000000-0000-4000-8000-0000000000a2', title: 'design', unreadCount: 2, mentionCount: 1 })
const RANDOM = conversation({ id: '00000000-0000-4000-8000-0000000000a3', title: 'random' })

function mountSidebar(route = '/') {
  const store = useConversationsStore()
  return mountInApp(ChatConversationSection, {
    title: 'Conversations', icon: 'i-lucide-hash', conversations: store.channels, addLabel: 'Create conversation', addTestid: 'create-conversation'
  }, { route })
}

const item = (wrapper: Awaited<ReturnType<typeof mountSidebar>>, id: string) =>
  wrapper.find(`[data-testid="conversation-item"][data-conversation-id="${id}"]`)

describe('sidebar', () => {
  beforeEach(() => {
    inApp(() => useSession().signIn('token', ME))
    const store = useConversationsStore()
    store.selectProject(PROJECT_ID)
    store.setConversations(PROJECT_ID, [RANDOM, GENERAL, DESIGN])
  })

  it('lists the project\'s conversations by title', async () => {
    const wrapper = await mountSidebar()
    expect(wrapper.findAll('[data-testid="conversation-item"]').map(i => i.attributes('data-conversation-id'))).toEqual([DESIGN.id, GENERAL.id, RANDOM.id])
    expect(item(wrapper, DESIGN.id).text()).toContain('design')
  })

  it('shows unread counts, and marks those that mention the member', async () => {
    const wrapper = await mountSidebar()
    expect(item(wrapper, GENERAL.id).find('[data-testid="unread-badge"]').text()).toBe('3')
    expect(item(wrapper, GENERAL.id).find('[data-testid="unread-badge"]').attributes('data-mention')).toBeUndefined()
    expect(item(wrapper, DESIGN.id).find('[data-testid="unread-badge"]').attributes('data-mention')).toBe('true')
    expect(item(wrapper, DESIGN.id).find('[data-testid="unread-badge"]').attributes('aria-label')).toBe('2 unread, you were mentioned')
    expect(item(wrapper, RANDOM.id).find('[data-testid="unread-badge"]').exists()).toBe(false)
  })

  it('marks the open conversation and hides its badge', async () => {
    const wrapper = await mountSidebar(`/c/${GENERAL.id}`)
    expect(item(wrapper, GENERAL.id).attributes('aria-current')).toBe('page')
    expect(item(wrapper, GENERAL.id).find('[data-testid="unread-badge"]').exists()).toBe(false)
    expect(item(wrapper, DESIGN.id).attributes('aria-current')).toBeUndefined()
  })

  it('updates badges live when the server reports new counts', async () => {
    const wrapper = await mountSidebar()
    useConversationsStore().setUnread({ conversationId: RANDOM.id, unreadCount: 120, mentionCount: 0 })
    await nextTick()
    expect(item(wrapper, RANDOM.id).find('[data-testid="unread-badge"]').text()).toBe('99+')
  })
})
