import type { ChosenPresence } from '#shared/presence'

/** The member's own status: chosen in the user menu, remembered, re-announced on every reconnect. */
export function usePresence() {
  const socket = useSocket()
  const store = usePresenceStore()
  const toast = useToast()

  async function setPresence(status: ChosenPresence) {
    store.setMyPresence(status)
    if (!socket.connected) return
    try {
      const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('presence:update', { status })
      if (!ack.ok) toast.add({ title: 'Could not change your status', description: describeError(ack.error), color: 'error' })
    } catch {
      toast.add({ title: 'Could not change your status', description: 'No reply from the server', color: 'error' })
    }
  }

  /** The server starts every connection as online; this restores a chosen away / dnd. */
  function announce() {
    if (store.myPresence !== 'online') socket.emit('presence:update', { status: store.myPresence })
  }

  return { setPresence, announce }
}
