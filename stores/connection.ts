import { connectionState } from '~/utils/offline/connection-state'

/**
 * The one connection state (online | reconnecting | offline) the banner, the composer's hint and
 * the pending labels read. plugins/socket.client.ts feeds it from the socket, the browser's
 * online/offline events and a heartbeat on the server's pings.
 */
export const useConnectionStore = defineStore('connection', () => {
  const socketConnected = ref(false)
  const browserOnline = ref(typeof navigator === 'undefined' ? true : navigator.onLine)
  /** The app opened from the device's cache without a network: read-only until it reconnects. */
  const fromCache = ref(false)

  const state = computed(() => connectionState({ socketConnected: socketConnected.value, browserOnline: browserOnline.value }))

  function setSocketConnected(value: boolean) {
    socketConnected.value = value
  }

  function setBrowserOnline(value: boolean) {
    browserOnline.value = value
  }

  function setFromCache(value: boolean) {
    fromCache.value = value
  }

  return { socketConnected, browserOnline, fromCache, state, setSocketConnected, setBrowserOnline, setFromCache }
})
