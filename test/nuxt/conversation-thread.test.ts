import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import ChatConversationPanel from '~/components/chat/ConversationPanel.vue'
import { CONVERSATION_ID, ME, PROJECT_ID, conversation, message } from './fixtures'
import { inApp, mountInApp } from './mount'

const root = message(1, { content: 'root here', contentHtml: '<p>root here</p>', replyCount: 1, thread: { lastReplyAt: new Date().toISOString(), repliers: [] } })
const reply = message(2, { threadRootId: root.id, content: 'in the thread', contentHtml: '<p>in the thread</p>' })
const other = message(3, { content: 'top level', contentHtml: '<p>top level</p>' })

registerEndpoint('/api/projects', () => ({ projects: [{ id: PROJECT_ID, name: 'Project', myRole: 'member' }] }))
registerEndpoint(`/api/projects/${PROJECT_ID}/conversations`, () => ({ conversations: [conversation()] }))
registerEndpoint(`/api/projects/${PROJECT_ID}/members`, () => ({ members: [] }))
registerEndpoint(`/api/conversations/${CONVERSATION_ID}`, () => ({ conversation: conversation(), participants: [] }))
// An older server still returns the reply in history: the client keeps it out of the timeline anyway.
registerEndpoint(`/api/conversations/${CONVERSATION_ID}/messages`, () => ({ messages: [root, reply, other], hasMore: false }))
registerEndpoint(`/api/conversations/${CONVERSATION_ID}/draft`, () => ({ draft: null }))
registerEndpoint('/api/scheduled', () => ({ scheduled: [] }))
registerEndpoint(`/api/messages/${root.id}/thread`, () => ({ root, replies: [reply], hasMore: false }))
// Asked for a reply, the server answers with the reply's whole thread.
registerEndpoint(`/api/messages/${reply.id}/thread`, () => ({ root, replies: [reply], hasMore: false }))

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise(resolve => setTimeout(resolve, 20))
}
// On a desktop-wide window the panel sits beside the conversation; on a phone it is teleported into a slideover.
let current: Awaited<ReturnType<typeof mountInApp>> | null = null
function panel(): HTMLElement | null {
  const inline = current?.find('[data-testid="thread-panel"]')
  return inline?.exists() ? inline.element as HTMLElement : document.querySelector<HTMLElement>('[data-testid="thread-panel"]')
}

describe('conversation with threads', () => {
  beforeEach(() => inApp(() => useSession().signIn('token', ME)))
  afterEach(() => useAuthStore().signOut())

  it('opens the thread named in the URL, with the reply only there and not in the timeline', async () => {
    const wrapper = current = await mountInApp(ChatConversationPanel, { conversationId: CONVERSATION_ID }, { route: `/c/${CONVERSATION_ID}?thread=${root.id}` })
    await settle()
    const list = wrapper.find('[data-testid="message-list"]')
    expect(list.findAll('[data-testid="message-body"]').map(b => b.text())).toEqual(['root here', 'top level'])
    expect(list.find('[data-testid="thread-summary-count"]').text()).toBe('1 reply')
    expect(panel()?.querySelector('[data-testid="thread-replies"]')?.textContent).toContain('in the thread')
    await wrapper.unmount()
  })

  it('opens a thread from the root\'s "N replies" into the URL, and closes it again', async () => {
    const wrapper = current = await mountInApp(ChatConversationPanel, { conversationId: CONVERSATION_ID }, { route: `/c/${CONVERSATION_ID}` })
    await settle()
    expect(panel()).toBeNull()
    await wrapper.find('[data-testid="thread-summary"]').trigger('click')
    await settle()
    expect(useRoute().query.thread).toBe(root.id)
    expect(panel()?.dataset.rootId).toBe(root.id)
    panel()!.querySelector<HTMLElement>('[data-testid="thread-close"]')!.click()
    await settle()
    expect(useRoute().query.thread).toBeUndefined()
    expect(panel()).toBeNull()
    await wrapper.unmount()
  })

  it('a URL naming a reply opens its root\'s thread', async () => {
    const wrapper = current = await mountInApp(ChatConversationPanel, { conversationId: CONVERSATION_ID }, { route: `/c/${CONVERSATION_ID}?thread=${reply.id}` })
    await settle()
    expect(useRoute().query.thread).toBe(root.id)
    expect(panel()?.querySelector('[data-testid="thread-root"]')?.textContent).toContain('root here')
    await wrapper.unmount()
  })
})
