import { beforeEach, describe, expect, it } from 'vitest'
import type { VueWrapper } from '@vue/test-utils'
import ChatUserMenu from '~/components/chat/UserMenu.vue'
import { ME } from './fixtures'
import { inApp, mountInApp } from './mount'

const wait = (ms: number) => new Promise(r => setTimeout(r, ms))

/** Picks a status in the open user menu (checkbox items are found by their label). */
async function chooseStatus(wrapper: VueWrapper, label: string) {
  // A status item keeps the menu open (it is a checkbox): open it only when it is closed.
  if (!document.body.querySelector('[role^="menuitem"]')) {
    await wrapper.find('[data-testid="user-menu"]').trigger('keydown', { key: 'Enter' })
    await wait(50)
  }
  const item = [...document.body.querySelectorAll<HTMLElement>('[role^="menuitem"]')].find(e => e.textContent?.trim() === label)
  expect(item, `status ${label}`).toBeTruthy()
  item!.click()
  await wait(80)
}

const shown = (wrapper: VueWrapper) => ({
  dot: wrapper.find('[data-testid="my-presence"]').attributes('data-presence'),
  auto: wrapper.find('[data-testid="my-presence"]').attributes('data-auto-away') !== undefined,
  text: wrapper.find('[data-testid="my-status-text"]').text()
})

describe('automatic away in the user menu', () => {
  beforeEach(() => {
    document.body.innerHTML = ''
    inApp(() => {
      useSession().signIn('token', { ...ME, dndUntil: null })
      const presence = usePresenceStore()
      presence.setMyPresence('online')
      presence.setConnected(true)
      presence.setIdle(false)
    })
  })

  it('shows "Away (idle)" with an away dot while this tab is idle, and "Online" once it is in use again', async () => {
    const wrapper = await mountInApp(ChatUserMenu, {})
    expect(shown(wrapper)).toEqual({ dot: 'online', auto: false, text: 'Online' })
    usePresenceStore().setIdle(true)
    await nextTick()
    expect(shown(wrapper)).toEqual({ dot: 'away', auto: true, text: 'Away (idle)' })
    usePresenceStore().setIdle(false)
    await nextTick()
    expect(shown(wrapper)).toEqual({ dot: 'online', auto: false, text: 'Online' })
    wrapper.unmount()
  })

  it('stays "Online" while the server says another tab or device of the member is in use', async () => {
    usePresenceStore().setPresence({ userId: ME.id, status: 'online', lastSeenAt: new Date().toISOString() })
    usePresenceStore().setIdle(true)
    const wrapper = await mountInApp(ChatUserMenu, {})
    expect(shown(wrapper)).toEqual({ dot: 'online', auto: false, text: 'Online' })
    // Every tab idle: the server announces the member away.
    usePresenceStore().setPresence({ userId: ME.id, status: 'away', lastSeenAt: new Date().toISOString() })
    await nextTick()
    expect(shown(wrapper)).toEqual({ dot: 'away', auto: true, text: 'Away (idle)' })
    wrapper.unmount()
  })

  it('choosing a status replaces the automatic away: "Away" by hand, then "Online"', async () => {
    usePresenceStore().setIdle(true)
    const wrapper = await mountInApp(ChatUserMenu, {})
    expect(shown(wrapper).text).toBe('Away (idle)')
    await chooseStatus(wrapper, 'Away')
    expect(usePresenceStore().myPresence).toBe('away')
    expect(shown(wrapper)).toEqual({ dot: 'away', auto: false, text: 'Away' })
    usePresenceStore().setIdle(true)
    await chooseStatus(wrapper, 'Online')
    expect(usePresenceStore().myPresence).toBe('online')
    expect(shown(wrapper)).toEqual({ dot: 'online', auto: false, text: 'Online' })
    wrapper.unmount()
  })

  it('says nothing of idleness while connecting or in do not disturb', async () => {
    usePresenceStore().setIdle(true)
    inApp(() => useAuthStore().setUser({ ...ME, dndUntil: new Date(Date.now() + 3_600_000).toISOString() }))
    const wrapper = await mountInApp(ChatUserMenu, {})
    expect(shown(wrapper)).toMatchObject({ dot: 'dnd', auto: false })
    expect(shown(wrapper).text).toMatch(/^Do not disturb/)
    usePresenceStore().setConnected(false)
    await nextTick()
    expect(shown(wrapper)).toEqual({ dot: 'offline', auto: false, text: 'Connecting…' })
    wrapper.unmount()
  })
})
