import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { getQuery } from 'h3'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Message } from '#shared/types'
import ChatConversationItem from '~/components/chat/ConversationItem.vue'
import ChatSuggestionMenu from '~/components/chat/SuggestionMenu.vue'
import ChatThreadPanel from '~/components/chat/ThreadPanel.vue'
import { ME, OTHER, conversation, message } from './fixtures'
import { inApp, mountInApp } from './mount'

// One person per test: a status once read is not asked for again until the next reconnect.
const THIRD = { id: '00000000-0000-4000-8000-000000000003', displayName: 'Third', avatarUrl: null }
const PEER = { id: '00000000-0000-4000-8000-000000000004', displayName: 'Peer', avatarUrl: null }
const MENTIONED = { id: '00000000-0000-4000-8000-000000000005', displayName: 'Mentioned', avatarUrl: null }
const TEN_MINUTES_AGO = new Date(Date.now() - 10 * 60_000 - 5_000).toISOString()
const asked: string[] = []

// What the server knows: Third is away, everyone else was last seen ten minutes ago.
registerEndpoint('/api/presence', (event) => {
  const ids = String(getQuery(event).userIds ?? '').split(',')
  asked.push(...ids)
  return { presence: ids.map(userId => userId === THIRD.id ? { userId, status: 'away', lastSeenAt: null } : { userId, status: 'offline', lastSeenAt: TEN_MINUTES_AGO }) }
})

const root = message(1, { content: 'the root', contentHtml: '<p>the root</p>', replyCount: 2, sender: OTHER, senderId: OTHER.id })
const reply = (seq: number, overrides: Partial<Message>) => message(seq, { threadRootId: root.id, content: `reply ${seq}`, contentHtml: `<p>reply ${seq}</p>`, ...overrides })
registerEndpoint(`/api/messages/${root.id}/thread`, () => ({
  root,
  replies: [reply(2, { sender: THIRD, senderId: THIRD.id }), reply(3, { sender: ME, senderId: ME.id }), reply(4, { sender: OTHER, senderId: OTHER.id })],
  hasMore: false
}))

type Wrapper = Awaited<ReturnType<typeof mountInApp>>
const dots = (wrapper: Wrapper, scope = '') => wrapper.findAll(`${scope} [data-testid="presence-dot"]`.trim())
  .map(d => ({ presence: d.attributes('data-presence'), label: d.attributes('aria-label') }))

describe('presence wherever people are listed', () => {
  beforeEach(() => {
    asked.length = 0
    inApp(() => useSession().signIn('token', ME))
    usePresenceStore().reset()
  })

  it('a direct message row in the sidebar reads the peer\'s status and says when they were last seen', async () => {
    const dm = conversation({ id: '00000000-0000-4000-8000-0000000000d1', type: 'direct', peer: PEER })
    useConversationsStore().upsertConversation(dm)
    const wrapper = await mountInApp(ChatConversationItem, { conversation: dm })
    await vi.waitFor(() => expect(dots(wrapper)).toEqual([{ presence: 'offline', label: 'Last seen 10 minutes ago' }]))
    expect(asked).toEqual([PEER.id])
    usePresenceStore().setPresence({ userId: PEER.id, status: 'online', lastSeenAt: new Date().toISOString() })
    await nextTick()
    expect(dots(wrapper)).toEqual([{ presence: 'online', label: 'Online' }])
  })

  it('the thread panel shows who takes part in its header, and each reply author\'s status with their last seen', async () => {
    useConversationsStore().upsertConversation(conversation())
    const wrapper = await mountInApp(ChatThreadPanel, { conversation: conversation(), rootId: root.id })
    // The author first, then the repliers; the reader is not listed.
    await vi.waitFor(() => expect(wrapper.findAll('[data-testid="thread-person"]').map(p => p.attributes('data-user-id'))).toEqual([OTHER.id, THIRD.id]))
    await vi.waitFor(() => expect(dots(wrapper, '[data-testid="thread-people"]')).toEqual([
      { presence: 'offline', label: 'Last seen 10 minutes ago' },
      { presence: 'away', label: 'Away' }
    ]))
    expect([...new Set(asked)].sort()).toEqual([OTHER.id, THIRD.id].sort())
    // Reply authors other than the reader carry the same dot, last seen included.
    expect(dots(wrapper, '[data-testid="thread-replies"]')).toEqual([
      { presence: 'away', label: 'Away' },
      { presence: 'offline', label: 'Last seen 10 minutes ago' }
    ])
    expect(dots(wrapper, '[data-testid="thread-root"]')).toEqual([{ presence: 'offline', label: 'Last seen 10 minutes ago' }])
  })

  it('mention suggestions show each person\'s status', async () => {
    const wrapper = await mountInApp(ChatSuggestionMenu, {
      id: 'mentions', label: 'People', active: 0,
      items: [{ key: MENTIONED.id, label: MENTIONED.displayName, insert: '@Mentioned ', user: MENTIONED }, { key: 'here', label: 'here', insert: '@here ', icon: 'i-lucide-radio' }]
    })
    await vi.waitFor(() => expect(dots(wrapper)).toEqual([{ presence: 'offline', label: 'Last seen 10 minutes ago' }]))
  })
})
