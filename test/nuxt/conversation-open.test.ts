import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import type { Participant } from '#shared/types'
import ChatConversationPanel from '~/components/chat/ConversationPanel.vue'
import { CONVERSATION_ID, ME, PROJECT_ID, conversation, message } from './fixtures'
import { inApp, mountInApp } from './mount'

// Each answer of the server takes a round trip; the sidebar takes two (projects, then their conversations).
const ROUND_TRIP_MS = 120
const wait = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

const unread = conversation({ lastSeq: 3, unreadCount: 2 })
const me: Participant = { id: ME.id, userId: ME.id, displayName: ME.displayName, avatarUrl: null, email: ME.email, role: 'member', lastReadSeq: 1, joinedAt: new Date().toISOString() }
const asked: Record<string, number> = {}
let projectsAnsweredAt = Infinity

registerEndpoint('/api/projects', async () => {
  await wait(ROUND_TRIP_MS)
  projectsAnsweredAt = Date.now()
  return { projects: [{ id: PROJECT_ID, name: 'Project', myRole: 'member' }] }
})
registerEndpoint(`/api/projects/${PROJECT_ID}/conversations`, async () => {
  await wait(ROUND_TRIP_MS)
  return { conversations: [unread] }
})
registerEndpoint(`/api/projects/${PROJECT_ID}/members`, () => ({ members: [] }))
registerEndpoint(`/api/conversations/${CONVERSATION_ID}`, async () => {
  asked.details ??= Date.now()
  await wait(ROUND_TRIP_MS)
  return { conversation: unread, participants: [me] }
})
// The newest page answers first: the list must still wait for the details to place "New messages".
registerEndpoint(`/api/conversations/${CONVERSATION_ID}/messages`, () => {
  asked.messages ??= Date.now()
  return { messages: [message(1, { content: 'read already', contentHtml: '<p>read already</p>' }), message(2, { content: 'first unread', contentHtml: '<p>first unread</p>' }), message(3)], hasMore: false }
})
registerEndpoint(`/api/conversations/${CONVERSATION_ID}/draft`, () => ({ draft: null }))
registerEndpoint('/api/scheduled', () => ({ scheduled: [] }))

describe('opening a conversation cold', () => {
  beforeEach(() => inApp(() => useSession().signIn('token', ME)))
  afterEach(() => useAuthStore().signOut())

  it('asks for its details and messages beside the sidebar, and still marks where the unread messages start', async () => {
    const wrapper = await mountInApp(ChatConversationPanel, { conversationId: CONVERSATION_ID }, { route: `/c/${CONVERSATION_ID}` })
    await wait(ROUND_TRIP_MS * 4)
    expect(asked.details).toBeLessThan(projectsAnsweredAt)
    expect(asked.messages).toBeLessThan(projectsAnsweredAt)

    const list = wrapper.find('[data-testid="message-list"]')
    expect(list.findAll('[data-testid="message-body"]').map(b => b.text())).toEqual(['read already', 'first unread', expect.any(String)])
    const rows = list.element.innerHTML
    const divider = rows.indexOf('data-testid="unread-divider"')
    expect(divider).toBeGreaterThan(rows.indexOf('read already'))
    expect(divider).toBeLessThan(rows.indexOf('first unread'))
    await wrapper.unmount()
  })
})
