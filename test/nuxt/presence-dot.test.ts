import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { UTooltip } from '#components'
import { getQuery } from 'h3'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import ChatPeerPresence from '~/components/chat/PeerPresence.vue'
import ChatPresenceDot from '~/components/chat/PresenceDot.vue'
import ChatUserPresenceDot from '~/components/chat/UserPresenceDot.vue'
import { ME, OTHER } from './fixtures'
import { inApp, mountInApp } from './mount'

const FIVE_MINUTES_AGO = () => new Date(Date.now() - 5 * 60_000 - 5_000).toISOString()
const STRANGER = '00000000-0000-4000-8000-000000000099'
const asked: string[] = []

// What the server knows: Other was last seen five minutes ago.
registerEndpoint('/api/presence', (event) => {
  const ids = String(getQuery(event).userIds ?? '').split(',')
  asked.push(...ids)
  return { presence: ids.filter(id => id === OTHER.id).map(userId => ({ userId, status: 'offline', lastSeenAt: FIVE_MINUTES_AGO() })) }
})

const tooltipOf = (wrapper: Awaited<ReturnType<typeof mountInApp>>) => wrapper.findComponent(UTooltip).props('text')

describe('presence dot', () => {
  beforeEach(() => {
    asked.length = 0
    inApp(() => useSession().signIn('token', ME))
    usePresenceStore().reset()
  })

  it.each([
    ['online', 'Online'],
    ['away', 'Away'],
    ['dnd', 'Do not disturb'],
    ['offline', 'Offline']
  ] as const)('%s: the tooltip and label say "%s"', async (status, text) => {
    const wrapper = await mountInApp(ChatPresenceDot, { status })
    expect(tooltipOf(wrapper)).toBe(text)
    expect(wrapper.find('[data-testid="presence-dot"]').attributes('aria-label')).toBe(text)
    expect(wrapper.find('[data-testid="presence-dot"]').attributes('data-presence')).toBe(status)
  })

  it('offline with a last seen: "Last seen 5 minutes ago"', async () => {
    const wrapper = await mountInApp(ChatPresenceDot, { status: 'offline', lastSeenAt: FIVE_MINUTES_AGO() })
    expect(tooltipOf(wrapper)).toBe('Last seen 5 minutes ago')
    expect(wrapper.find('[data-testid="presence-dot"]').attributes('aria-label')).toBe('Last seen 5 minutes ago')
  })

  it('online users show no last seen, whatever was announced', async () => {
    const wrapper = await mountInApp(ChatPresenceDot, { status: 'online', lastSeenAt: FIVE_MINUTES_AGO() })
    expect(tooltipOf(wrapper)).toBe('Online')
  })

  it('a user\'s dot reads an unknown status once, then shows the last seen', async () => {
    const wrapper = await mountInApp(ChatUserPresenceDot, { userId: OTHER.id })
    await vi.waitFor(() => expect(tooltipOf(wrapper)).toBe('Last seen 5 minutes ago'))
    expect(asked).toEqual([OTHER.id])
  })

  it('a stranger the server leaves out stays "not known"', async () => {
    const wrapper = await mountInApp(ChatUserPresenceDot, { userId: STRANGER })
    await vi.waitFor(() => expect(asked).toEqual([STRANGER]))
    expect(tooltipOf(wrapper)).toBe('Status not known yet')
  })
})

describe('direct message header line', () => {
  beforeEach(() => {
    inApp(() => useSession().signIn('token', ME))
    usePresenceStore().reset()
  })

  it('"Active now" while online, "Last seen …" once offline', async () => {
    const store = usePresenceStore()
    store.setPresence({ userId: OTHER.id, status: 'online', lastSeenAt: new Date().toISOString() })
    const wrapper = await mountInApp(ChatPeerPresence, { userId: OTHER.id })
    expect(wrapper.find('[data-testid="peer-presence"]').text()).toBe('Active now')
    store.setPresence({ userId: OTHER.id, status: 'offline', lastSeenAt: FIVE_MINUTES_AGO() })
    await nextTick()
    expect(wrapper.find('[data-testid="peer-presence"]').text()).toBe('Last seen 5 minutes ago')
    store.setPresence({ userId: OTHER.id, status: 'away', lastSeenAt: new Date().toISOString() })
    await nextTick()
    expect(wrapper.find('[data-testid="peer-presence"]').text()).toBe('Away')
  })
})
