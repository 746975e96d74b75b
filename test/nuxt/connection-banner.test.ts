import { afterEach, describe, expect, it, vi } from 'vitest'
import ChatConnectionBanner from '~/components/chat/ConnectionBanner.vue'
import ChatComposerHint from '~/components/chat/ComposerHint.vue'
import { CONVERSATION_ID, ME } from './fixtures'
import { inApp, mountInApp } from './mount'

const banner = (wrapper: Awaited<ReturnType<typeof mountInApp>>) => wrapper.find('[data-testid="connection-banner"]')

describe('connection banner', () => {
  afterEach(() => {
    const connection = useConnectionStore()
    connection.setSocketConnected(false)
    connection.setBrowserOnline(true)
  })

  it('shows nothing while connected', async () => {
    useConnectionStore().setSocketConnected(true)
    const wrapper = await mountInApp(ChatConnectionBanner)
    expect(banner(wrapper).exists()).toBe(false)
  })

  it('says offline at once, and that messages wait, with how many', async () => {
    inApp(() => useSession().signIn('token', ME))
    const connection = useConnectionStore()
    connection.setSocketConnected(false)
    connection.setBrowserOnline(false)
    useMessagesStore().applyLatestPage(CONVERSATION_ID, [], false)
    inApp(useOutbox).send(CONVERSATION_ID, 'written in the tunnel')
    const wrapper = await mountInApp(ChatConnectionBanner)
    expect(banner(wrapper).attributes('data-state')).toBe('offline')
    expect(banner(wrapper).text()).toContain('Offline — messages will be sent when you reconnect')
    expect(wrapper.find('[data-testid="connection-banner-waiting"]').text()).toBe('(1 waiting)')
  })

  it('says reconnecting only once a reconnect takes longer than the grace period, and goes away when connected', async () => {
    vi.useFakeTimers()
    try {
      const connection = useConnectionStore()
      connection.setSocketConnected(true)
      const wrapper = await mountInApp(ChatConnectionBanner, { graceMs: 1500 })
      connection.setSocketConnected(false)
      await nextTick()
      expect(banner(wrapper).exists()).toBe(false)
      vi.advanceTimersByTime(1600)
      await nextTick()
      expect(banner(wrapper).attributes('data-state')).toBe('reconnecting')
      expect(banner(wrapper).text()).toContain('Reconnecting…')

      connection.setSocketConnected(true)
      await nextTick()
      expect(banner(wrapper).exists()).toBe(false)
    } finally {
      vi.useRealTimers()
    }
  })

  it('agrees with the composer hint, which reads the same state', async () => {
    const connection = useConnectionStore()
    connection.setBrowserOnline(false)
    const hint = await mountInApp(ChatComposerHint, { lockedReason: '', uploading: false })
    expect(hint.text()).toContain('Offline — messages will be sent when you reconnect')
    connection.setBrowserOnline(true)
    await nextTick()
    expect(hint.text()).toContain('Reconnecting…')
    connection.setSocketConnected(true)
    await nextTick()
    expect(hint.text()).toContain('Enter to send')
  })

  it('says connecting, not reconnecting, while the page makes its first connection, and the composer already says how to use it', async () => {
    vi.useFakeTimers()
    try {
      const connection = useConnectionStore()
      connection.everConnected = false
      connection.setSocketConnected(false)
      const wrapper = await mountInApp(ChatConnectionBanner, { graceMs: 1500 })
      const hint = await mountInApp(ChatComposerHint, { lockedReason: '', uploading: false })
      expect(banner(wrapper).exists()).toBe(false)
      vi.advanceTimersByTime(1600)
      await nextTick()
      expect(banner(wrapper).text()).toContain('Connecting…')
      expect(hint.text()).toContain('Enter to send')

      connection.setSocketConnected(true)
      connection.setSocketConnected(false)
      vi.advanceTimersByTime(1600)
      await nextTick()
      expect(banner(wrapper).text()).toContain('Reconnecting…')
      expect(hint.text()).toContain('Reconnecting… messages will be sent once connected')
    } finally {
      vi.useRealTimers()
    }
  })
})
