import { beforeEach, describe, expect, it, vi } from 'vitest'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import type { NotificationPayload } from '#shared/events'
import type { User } from '#shared/types'
import { CONVERSATION_ID, ME, OTHER, PROJECT_ID, conversation } from './fixtures'
import { inApp, mountInApp } from './mount'

const DESIGN_ID = '00000000-0000-4000-8000-0000000000a2'
const GENERAL = conversation({ id: CONVERSATION_ID, title: 'general' })
const DESIGN = conversation({ id: DESIGN_ID, title: 'design' })

registerEndpoint(`/api/projects/${PROJECT_ID}/conversations`, () => ({ conversations: [GENERAL, DESIGN] }))
registerEndpoint(`/api/conversations/${DESIGN_ID}`, () => ({ conversation: DESIGN, participants: [] }))
registerEndpoint('/api/me/sanctions', () => ({ sanctions: [] }))
registerEndpoint('/api/invitations', () => ({ invitations: [] }))

const USER: User = { ...ME, emailNotifications: 'mentions', notificationPreview: true, dndUntil: null }

/** Delivers a server event to the listeners the socket plugin registered, as the socket does. */
function serverSends(event: string, payload: unknown) {
  const socket = useSocket() as unknown as { listeners: (event: string) => ((payload: unknown) => void)[] }
  for (const listener of socket.listeners(event)) listener(payload)
}

let seq = 0
function mention(overrides: Partial<NotificationPayload> = {}): NotificationPayload {
  seq++
  return {
    kind: 'mention',
    conversationId: CONVERSATION_ID,
    messageId: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    title: 'Other in #general',
    body: `look at this ${seq}`,
    sender: OTHER,
    url: `/c/${CONVERSATION_ID}#m-${seq}`,
    ...overrides
  }
}

/** The toasts on screen, as Nuxt UI's toaster holds them. */
const toasts = () => inApp(() => useToast()).toasts.value.filter(t => t.open !== false)
const settle = () => new Promise(r => setTimeout(r, 30))

describe('notification toasts', () => {
  beforeEach(async () => {
    inApp(() => {
      useSession().signIn('token', USER)
      usePresenceStore().setMyPresence('online')
      useToast().clear()
      const store = useConversationsStore()
      store.setProjects([{ id: PROJECT_ID, name: 'Demo', myRole: 'member' }])
      store.selectProject(PROJECT_ID)
      store.setConversations(PROJECT_ID, [GENERAL, DESIGN])
    })
    // Reading #design in a focused, visible window.
    await useRouter().push(`/c/${DESIGN_ID}`)
    window.dispatchEvent(new FocusEvent('focus'))
    await settle()
  })

  it('groups a burst about one conversation into one toast that counts', async () => {
    serverSends('notification', mention())
    await settle()
    expect(toasts()).toHaveLength(1)
    expect(toasts()[0]!.title).toBe('Other in #general')
    expect(toasts()[0]!.description).toBe(`look at this ${seq}`)
    expect(toasts()[0]!.avatar).toMatchObject({ alt: 'Other' })

    serverSends('notification', mention())
    serverSends('notification', mention({ kind: 'reply' }))
    await settle()
    expect(toasts()).toHaveLength(1)
    expect(toasts()[0]!.title).toBe('3 new messages in #general')
    expect(toasts()[0]!.description).toBe(`Other: look at this ${seq}`)
  })

  it('gives another conversation its own toast', async () => {
    const RANDOM_ID = '00000000-0000-4000-8000-0000000000a3'
    serverSends('notification', mention())
    serverSends('notification', mention({ conversationId: RANDOM_ID, title: 'Other in #random', url: `/c/${RANDOM_ID}#m-1` }))
    await settle()
    expect(toasts().map(t => t.title)).toEqual(['Other in #general', 'Other in #random'])
  })

  it('shows none for the conversation the member is looking at', async () => {
    serverSends('notification', mention({ conversationId: DESIGN_ID, title: 'Other in #design' }))
    await settle()
    expect(toasts()).toHaveLength(0)
  })

  it('shows one for the open conversation when the window is in the background', async () => {
    window.dispatchEvent(new FocusEvent('blur'))
    await settle()
    serverSends('notification', mention({ conversationId: DESIGN_ID, title: 'Other in #design' }))
    await settle()
    expect(toasts().map(t => t.title)).toEqual(['Other in #design'])
  })

  it('shows none during do not disturb, timed or chosen', async () => {
    inApp(() => useAuthStore().setUser({ ...USER, dndUntil: new Date(Date.now() + 60_000).toISOString() }))
    serverSends('notification', mention())
    await settle()
    expect(toasts()).toHaveLength(0)

    inApp(() => {
      useAuthStore().setUser(USER)
      usePresenceStore().setMyPresence('dnd')
    })
    serverSends('notification', mention())
    await settle()
    expect(toasts()).toHaveLength(0)
  })

  it('shows none for a muted conversation', async () => {
    inApp(() => useConversationsStore().upsertConversation({ ...GENERAL, preferences: { notificationLevel: 'all', mutedUntil: new Date(Date.now() + 60_000).toISOString() } }))
    serverSends('notification', mention())
    await settle()
    expect(toasts()).toHaveLength(0)
  })

  it('clicking the toast opens the message', async () => {
    serverSends('notification', mention())
    await settle()
    const toast = toasts()[0]!
    toast.onClick!(toast)
    await vi.waitFor(() => expect(useRouter().currentRoute.value.fullPath).toBe(`/c/${CONVERSATION_ID}#m-${seq}`))
    await settle()
    expect(toasts()).toHaveLength(0)
  })

  it('rings when this device asked for a sound, never during do not disturb', async () => {
    const sound = inApp(() => useNotificationsStore())
    sound.setSound(true)
    const AudioContextMock = vi.fn(function (this: Record<string, unknown>) {
      const node = () => ({ connect: (n: unknown) => n, start: vi.fn(), stop: vi.fn(), type: '', frequency: { value: 0 }, gain: { setValueAtTime: vi.fn(), exponentialRampToValueAtTime: vi.fn() } })
      Object.assign(this, { state: 'running', currentTime: 0, destination: {}, createOscillator: node, createGain: node, resume: vi.fn() })
    })
    vi.stubGlobal('AudioContext', AudioContextMock)
    try {
      // Another tab (or an earlier test) may have just rung: the chime is once per 1.5 s.
      await new Promise(r => setTimeout(r, 1_600))
      serverSends('notification', mention())
      await settle()
      expect(AudioContextMock).toHaveBeenCalledTimes(1)

      await new Promise(r => setTimeout(r, 1_600))
      inApp(() => usePresenceStore().setMyPresence('dnd'))
      serverSends('notification', mention())
      await settle()
      expect(AudioContextMock).toHaveBeenCalledTimes(1)
    } finally {
      vi.unstubAllGlobals()
      sound.setSound(false)
    }
  })
})

describe('tab title', () => {
  it('counts unread messages across conversations, muted ones aside', async () => {
    inApp(() => {
      useSession().signIn('token', USER)
      const store = useConversationsStore()
      store.setProjects([{ id: PROJECT_ID, name: 'Demo', myRole: 'member' }])
      store.selectProject(PROJECT_ID)
      store.setConversations(PROJECT_ID, [{ ...GENERAL, unreadCount: 2 }, { ...DESIGN, unreadCount: 0 }])
    })
    const Page = defineComponent({
      setup() {
        useTabIndicators()
        useHead({ title: 'design' })
        return () => h('div')
      }
    })
    const wrapper = await mountInApp(Page)
    await vi.waitFor(() => expect(document.title).toBe('(2) design · Project Chat'))

    inApp(() => useConversationsStore().setUnread({ conversationId: DESIGN_ID, unreadCount: 3, mentionCount: 1 }))
    await vi.waitFor(() => expect(document.title).toBe('(5) design · Project Chat'))

    inApp(() => useConversationsStore().upsertConversation({ ...GENERAL, unreadCount: 2, preferences: { notificationLevel: 'all', mutedUntil: new Date(Date.now() + 60_000).toISOString() } }))
    await vi.waitFor(() => expect(document.title).toBe('(3) design · Project Chat'))

    inApp(() => {
      useConversationsStore().markRead(DESIGN_ID, 10)
      useConversationsStore().markRead(CONVERSATION_ID, 10)
    })
    await vi.waitFor(() => expect(document.title).toBe('design · Project Chat'))
    wrapper.unmount()
  })
})
