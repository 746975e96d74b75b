import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope } from 'vue'
import { ME } from './fixtures'
import { inApp } from './mount'

const IDLE_MS = 150

describe('automatic away', () => {
  let scope: ReturnType<typeof effectScope>
  let emitted: unknown[][]

  beforeEach(() => {
    inApp(() => useSession().signIn('token', ME))
    const socket = inApp(() => useSocket())
    emitted = []
    vi.spyOn(socket, 'emit').mockImplementation((...args: unknown[]) => {
      emitted.push(args)
      return socket
    })
    usePresenceStore().setConnected(true)
    scope = effectScope()
  })

  afterEach(() => {
    scope.stop()
    vi.restoreAllMocks()
    usePresenceStore().setConnected(false)
  })

  const autoUpdates = () => emitted.filter(([event]) => event === 'presence:update').map(([, payload]) => payload)

  it('idle for the timeout: "away" (auto); activity: "online" (auto); a reconnect while idle says "away" again', async () => {
    scope.run(() => inApp(() => useAutoAway(IDLE_MS)))
    await nextTick()
    expect(autoUpdates()).toEqual([])
    await vi.waitFor(() => expect(autoUpdates()).toEqual([{ status: 'away', auto: true }]), { timeout: 2000 })
    expect(usePresenceStore().idle).toBe(true)

    window.dispatchEvent(new Event('keydown'))
    await vi.waitFor(() => expect(autoUpdates()).toEqual([{ status: 'away', auto: true }, { status: 'online', auto: true }]))

    await vi.waitFor(() => expect(autoUpdates()).toHaveLength(3), { timeout: 2000 })
    usePresenceStore().setConnected(false)
    await nextTick()
    usePresenceStore().setConnected(true)
    await nextTick()
    expect(autoUpdates().slice(2)).toEqual([{ status: 'away', auto: true }, { status: 'away', auto: true }])
  })

  it('says nothing while disconnected, nor on a reconnect while in use', async () => {
    usePresenceStore().setConnected(false)
    scope.run(() => inApp(() => useAutoAway(60_000)))
    await nextTick()
    usePresenceStore().setConnected(true)
    await nextTick()
    expect(autoUpdates()).toEqual([])
  })
})
