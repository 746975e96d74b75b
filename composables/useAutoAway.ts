/** No pointer or keyboard for this long, or the tab hidden for this long, and the member shows away. */
export const AUTO_AWAY_MS = 5 * 60_000

/**
 * Automatic away: tells the server when this tab has been idle or hidden for five minutes, and when
 * it is in use again (`presence:update { auto: true }`). The server only marks this connection idle,
 * so a status the member chose by hand (do not disturb, away) is never overridden, and the member
 * shows away once every tab of theirs is idle. Made once, for the whole session (the socket plugin).
 */
export function useAutoAway(timeoutMs = AUTO_AWAY_MS) {
  const socket = useSocket()
  const store = usePresenceStore()
  const { idle } = useIdle(timeoutMs)
  const visibility = useDocumentVisibility()
  const hiddenLong = ref(false)
  const hiddenTimer = useTimeoutFn(() => { hiddenLong.value = true }, timeoutMs, { immediate: false })

  watch(visibility, (state) => {
    if (state === 'hidden') hiddenTimer.start()
    else {
      hiddenTimer.stop()
      hiddenLong.value = false
    }
  }, { immediate: true })

  const away = computed(() => idle.value || hiddenLong.value)

  // On every change, and on every (re)connect: a new connection starts in use, so an idle tab says so again.
  watch([away, () => store.connected], ([isAway, connected], previous) => {
    store.setIdle(isAway)
    if (!connected) return
    const [wasAway, wasConnected] = previous ?? [false, false]
    if (isAway === wasAway && wasConnected) return
    if (!isAway && !wasConnected) return
    socket.emit('presence:update', { status: isAway ? 'away' : 'online', auto: true })
  }, { immediate: true })

  return { away }
}
