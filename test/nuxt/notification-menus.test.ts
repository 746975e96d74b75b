import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { DOMWrapper } from '@vue/test-utils'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { readBody } from 'h3'
import type { Conversation, User } from '#shared/types'
import ChatConversationMenu from '~/components/chat/ConversationMenu.vue'
import ChatConversationSection from '~/components/chat/ConversationSection.vue'
import ChatUserMenu from '~/components/chat/UserMenu.vue'
import { ME, PROJECT_ID, conversation } from './fixtures'
import { inApp, mountInApp } from './mount'

const GENERAL = conversation({ id: '00000000-0000-4000-8000-0000000000a1', title: 'general', unreadCount: 2 })

const preferenceCalls: Record<string, unknown>[] = []
registerEndpoint(`/api/conversations/${GENERAL.id}/preferences`, {
  method: 'PATCH',
  handler: async (event) => {
    const body = await readBody<{ notificationLevel?: Conversation['preferences']['notificationLevel'], mutedUntil?: string | null }>(event)
    preferenceCalls.push(body)
    const held = useConversationsStore().conversations[GENERAL.id] ?? GENERAL
    return { conversation: { ...held, preferences: { ...held.preferences, ...body } } }
  }
})

const meCalls: Record<string, unknown>[] = []
let me: User = { ...ME, emailNotifications: 'mentions', notificationPreview: true, dndUntil: null }
registerEndpoint('/api/me', {
  method: 'PATCH',
  handler: async (event) => {
    const body = await readBody<Partial<User>>(event)
    meCalls.push(body)
    me = { ...me, ...body }
    return { user: me }
  }
})

const wait = (ms: number) => new Promise(r => setTimeout(r, ms))
const $ = (testid: string) => document.body.querySelector<HTMLElement>(`[data-testid="${testid}"]`)

/** Opens a Reka dropdown from the keyboard, then the submenu behind `sub`, as a keyboard user does. */
async function openMenu(trigger: DOMWrapper<Element>, sub?: string) {
  await trigger.trigger('keydown', { key: 'Enter' })
  await wait(50)
  if (!sub) return
  // Nuxt UI gives a submenu's trigger no attributes of its own: it is found by its label.
  const subTrigger = [...document.body.querySelectorAll<HTMLElement>('[role="menuitem"]')].find(e => e.textContent?.trim() === sub)
  expect(subTrigger, `submenu ${sub}`).not.toBeNull()
  subTrigger!.focus()
  subTrigger!.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }))
  await wait(50)
}

/** A menu item by its test id, or (checkbox items carry no attributes of their own) by its label. */
function menuItem(key: string) {
  return $(key) ?? [...document.body.querySelectorAll<HTMLElement>('[role^="menuitem"]')].find(e => e.textContent?.trim() === key) ?? null
}

async function choose(key: string) {
  const item = menuItem(key)
  expect(item, `menu item ${key}`).not.toBeNull()
  item!.click()
  await wait(80)
}

describe('conversation notification preferences', () => {
  beforeEach(() => {
    preferenceCalls.length = 0
    document.body.innerHTML = ''
    inApp(() => {
      useSession().signIn('token', { ...ME, emailNotifications: 'mentions', notificationPreview: true, dndUntil: null })
      const store = useConversationsStore()
      store.setProjects([{ id: PROJECT_ID, name: 'Demo', myRole: 'member' }])
      store.selectProject(PROJECT_ID)
      store.setConversations(PROJECT_ID, [GENERAL])
    })
  })

  it('sets the level from the header menu through the preferences endpoint', async () => {
    const wrapper = await mountInApp(ChatConversationMenu, { conversation: GENERAL })
    await openMenu(wrapper.find('[data-testid="conversation-header-menu"]'), 'Notifications')
    expect(menuItem('All new messages')?.getAttribute('aria-checked')).toBe('true')
    await choose('Mentions and replies to me')
    expect(preferenceCalls).toEqual([{ notificationLevel: 'mentions' }])
    await vi.waitFor(() => expect(useConversationsStore().conversations[GENERAL.id]!.preferences.notificationLevel).toBe('mentions'))
    wrapper.unmount()
  })

  it('mutes for 8 hours, and the sidebar greys the conversation with a bell-off icon', async () => {
    // The layout's way: the section re-renders with the store's list.
    const Sidebar = defineComponent({
      setup: () => {
        const store = useConversationsStore()
        return () => h(ChatConversationSection, { title: 'Conversations', icon: 'i-lucide-hash', conversations: store.channels, addLabel: 'Create', addTestid: 'create' })
      }
    })
    const sidebar = await mountInApp(Sidebar)
    const item = () => sidebar.find(`[data-testid="conversation-item"][data-conversation-id="${GENERAL.id}"]`)
    expect(item().attributes('data-muted')).toBeUndefined()
    expect(item().find('[data-testid="muted-icon"]').exists()).toBe(false)

    const menu = await mountInApp(ChatConversationMenu, { conversation: GENERAL })
    await openMenu(menu.find('[data-testid="conversation-header-menu"]'), 'Notifications')
    const before = Date.now()
    await choose('mute-8h')
    expect(preferenceCalls).toHaveLength(1)
    const until = Date.parse(String(preferenceCalls[0]!.mutedUntil))
    expect(until - before).toBeGreaterThanOrEqual(8 * 3_600_000 - 1000)
    expect(until - Date.now()).toBeLessThanOrEqual(8 * 3_600_000)

    await vi.waitFor(() => expect(item().attributes('data-muted')).toBe('true'))
    expect(item().find('[data-testid="muted-icon"]').exists()).toBe(true)
    menu.unmount()
    sidebar.unmount()
  })

  it('a muted conversation offers to unmute, which clears mutedUntil', async () => {
    const muted = { ...GENERAL, preferences: { notificationLevel: 'all' as const, mutedUntil: new Date(Date.now() + 3_600_000).toISOString() } }
    useConversationsStore().upsertConversation(muted)
    const wrapper = await mountInApp(ChatConversationMenu, { conversation: muted })
    await openMenu(wrapper.find('[data-testid="conversation-header-menu"]'), 'Notifications')
    expect($('mute-1h')).toBeNull()
    await choose('unmute')
    expect(preferenceCalls).toEqual([{ mutedUntil: null }])
    wrapper.unmount()
  })
})

describe('do not disturb in the user menu', () => {
  beforeEach(() => {
    meCalls.length = 0
    me = { ...ME, emailNotifications: 'mentions', notificationPreview: true, dndUntil: null }
    document.body.innerHTML = ''
    inApp(() => {
      useSession().signIn('token', me)
      usePresenceStore().setMyPresence('online')
      usePresenceStore().setConnected(true)
    })
  })

  it('"for 30 minutes" sets dndUntil and the avatar shows the badge with the end time', async () => {
    const wrapper = await mountInApp(ChatUserMenu, {})
    expect(wrapper.find('[data-testid="dnd-badge"]').exists()).toBe(false)
    await openMenu(wrapper.find('[data-testid="user-menu"]'), 'Do not disturb')
    const before = Date.now()
    await choose('dnd-30m')
    expect(meCalls).toHaveLength(1)
    const until = Date.parse(String(meCalls[0]!.dndUntil))
    expect(until - before).toBeGreaterThanOrEqual(30 * 60_000 - 1000)
    expect(until - Date.now()).toBeLessThanOrEqual(30 * 60_000)
    await vi.waitFor(() => expect(wrapper.find('[data-testid="dnd-badge"]').exists()).toBe(true))
    expect(wrapper.find('[data-testid="my-presence"]').attributes('data-presence')).toBe('dnd')
    expect(useAuthStore().user?.dndUntil).toBe(meCalls[0]!.dndUntil)
    wrapper.unmount()
  })

  it('turning it off clears dndUntil and the badge', async () => {
    me = { ...me, dndUntil: new Date(Date.now() + 3_600_000).toISOString() }
    inApp(() => useAuthStore().setUser(me))
    const wrapper = await mountInApp(ChatUserMenu, {})
    expect(wrapper.find('[data-testid="dnd-badge"]').exists()).toBe(true)
    await openMenu(wrapper.find('[data-testid="user-menu"]'))
    expect($('dnd-status')?.textContent).toMatch(/Do not disturb until/)
    await choose('dnd-off')
    expect(meCalls).toEqual([{ dndUntil: null }])
    await vi.waitFor(() => expect(wrapper.find('[data-testid="dnd-badge"]').exists()).toBe(false))
    wrapper.unmount()
  })

  it('a do-not-disturb that ran out shows no badge', async () => {
    inApp(() => useAuthStore().setUser({ ...me, dndUntil: new Date(Date.now() - 1000).toISOString() }))
    const wrapper = await mountInApp(ChatUserMenu, {})
    expect(wrapper.find('[data-testid="dnd-badge"]').exists()).toBe(false)
    wrapper.unmount()
  })
})
