import { connectionState } from '~/utils/offline/connection-state'

/**
 * The one connection state (online | reconnecting | offline) the banner, the composer's hint and
 * the pending labels read. plugins/socket.client.ts feeds it from the socket, the browser's
 * online/offline events and a heartbeat on the server's pings.
 */
export const useConnectionStore = defineStore('connection', () => {
  const socketConnected = ref(false)
  /** Whether the socket has connected once since the app opened: before that, waiting is "connecting", not "reconnecting". */
  const everConnected = ref(false)
  const browserOnline = ref(typeof navigator === 'undefined' ? true : navigator.onLine)
  /** The app opened from the device's cache without a network: read-only until it reconnects. */
  const fromCache = ref(false)

  const state = computed(() => connectionState({ socketConnected: socketConnected.value, browserOnline: browserOnline.value }))
  /** The first connection of this page load is still being made. */
  const connecting = computed(() => state.value === 'reconnecting' && !everConnected.value)

  function setSocketConnected(value: boolean) {
    socketConnected.value = value
    if (value) everConnected.value = true
  }

  function setBrowserOnline(value: boolean) {
    browserOnline.value = value
  }

  function setFromCache(value: boolean) {
    fromCache.value = value
  }

  return { socketConnected, everConnected, browserOnline, fromCache, state, connecting, setSocketConnected, setBrowserOnline, setFromCache }
})
