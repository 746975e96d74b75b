/** Editing and deleting one's own messages over the socket. */
export function useMessageActions() {
  const socket = useSocket()
  const store = useMessagesStore()
  const toast = useToast()

  /** Changes a message's text; true when the server took it. */
  async function edit(messageId: string, content: string): Promise<boolean> {
    try {
      const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('message:edit', { messageId, content })
      if (ack.ok) {
        store.upsert(ack.message)
        return true
      }
      toast.add({ title: 'Could not edit the message', description: describeError(ack.error), color: 'error' })
    } catch {
      toast.add({ title: 'Could not edit the message', description: 'No reply from the server', color: 'error' })
    }
    return false
  }

  /** Deletes a message; everyone sees the tombstone through message:deleted. */
  async function remove(messageId: string) {
    try {
      const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('message:delete', { messageId })
      if (!ack.ok) toast.add({ title: 'Could not delete the message', description: describeError(ack.error), color: 'error' })
    } catch {
      toast.add({ title: 'Could not delete the message', description: 'No reply from the server', color: 'error' })
    }
  }

  return { edit, remove }
}
