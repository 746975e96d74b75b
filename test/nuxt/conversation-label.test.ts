import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import ChatConversationItem from '~/components/chat/ConversationItem.vue'
import ChatConversationPanel from '~/components/chat/ConversationPanel.vue'
import { conversationIcon, conversationLabel, conversationName } from '~/utils/chat/conversation-label'
import { CONVERSATION_ID, ME, OTHER, PROJECT_ID, conversation } from './fixtures'
import { inApp, mountInApp } from './mount'

const NEWS = conversation({ type: 'announcement', title: 'news', myRole: 'owner' })

registerEndpoint('/api/projects', () => ({ projects: [{ id: PROJECT_ID, name: 'Project', myRole: 'owner' }] }))
registerEndpoint(`/api/projects/${PROJECT_ID}/conversations`, () => ({ conversations: [NEWS] }))
registerEndpoint(`/api/projects/${PROJECT_ID}/members`, () => ({ members: [] }))
registerEndpoint(`/api/conversations/${CONVERSATION_ID}`, () => ({ conversation: NEWS, participants: [] }))
registerEndpoint(`/api/conversations/${CONVERSATION_ID}/messages`, () => ({ messages: [], hasMore: false }))
registerEndpoint(`/api/conversations/${CONVERSATION_ID}/pins`, () => ({ messages: [] }))
registerEndpoint(`/api/conversations/${CONVERSATION_ID}/draft`, () => ({ draft: null }))
registerEndpoint('/api/scheduled', () => ({ scheduled: [] }))

type Wrapper = Awaited<ReturnType<typeof mountInApp>>
/** The conversation's icon as rendered (`i-lucide:megaphone` → `i-lucide-megaphone`), or undefined. */
function iconOf(wrapper: Wrapper) {
  const icon = wrapper.find('[data-testid="conversation-icon"]')
  return icon.exists() ? icon.classes().find(c => c.startsWith('i-'))?.replace(':', '-') : undefined
}

describe('conversation labels and icons', () => {
  beforeEach(() => inApp(() => useSession().signIn('token', ME)))
  afterEach(() => useAuthStore().signOut())

  it('names a direct message after the other person and prefixes the rest with #', () => {
    const dm = conversation({ type: 'direct', title: 'stale name', peer: { ...OTHER, displayName: 'Ada' } })
    expect(conversationName(dm)).toBe('Ada')
    expect(conversationLabel(dm)).toBe('Ada')
    expect(conversationLabel(conversation({ title: 'general' }))).toBe('#general')
    expect(conversationIcon('announcement')).toBe('i-lucide-megaphone')
    expect(conversationIcon('group')).toBe('i-lucide-users')
  })

  it('shows an announcement conversation with the same icon in the sidebar and the header', async () => {
    const sidebar = await mountInApp(ChatConversationItem, { conversation: NEWS })
    const inSidebar = iconOf(sidebar)
    sidebar.unmount()

    const panel = await mountInApp(ChatConversationPanel, { conversationId: CONVERSATION_ID }, { route: `/c/${CONVERSATION_ID}` })
    for (let i = 0; i < 5; i++) await new Promise(resolve => setTimeout(resolve, 20))
    const inHeader = iconOf(panel)
    panel.unmount()

    expect(inSidebar).toBe('i-lucide-megaphone')
    expect(inHeader).toBe(inSidebar)
  })
})
