import type { Message } from '#shared/types'
import type { Report, ReportInput } from '#shared/report-schemas'

/** One earlier version of a message, as GET /api/messages/:id/edits lists them (oldest first). */
export interface MessageEdit {
  /** The text as it was before this edit. */
  content: string
  editedAt: string
  editedBy: string
}

/** What members do to a message: edit, delete, pin, report, link to it, read its edit history. */
export function useMessageActions() {
  const socket = useSocket()
  const store = useMessagesStore()
  const toast = useToast()
  const toastError = useErrorToast()
  const api = useApi()
  const { copy } = useClipboard({ legacy: true })

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

  /** Pins or unpins; the returned message goes to the store at once, message:updated follows for everyone. */
  async function setPinned(message: Pick<Message, 'id'>, pinned: boolean) {
    try {
      const { message: updated } = await api<{ message: Message }>(`/api/messages/${message.id}/pin`, { method: pinned ? 'POST' : 'DELETE' })
      store.upsert(updated)
      toast.add({ title: pinned ? 'Message pinned' : 'Message unpinned', icon: 'i-lucide-pin', color: 'success' })
    } catch (error) {
      toastError(pinned ? 'Could not pin the message' : 'Could not unpin the message', error)
    }
  }

  /** Files a report; true when the server took it (the modal stays open otherwise). */
  async function report(messageId: string, input: ReportInput): Promise<boolean> {
    try {
      await api<{ report: Report }>(`/api/messages/${messageId}/report`, { method: 'POST', body: { ...input } })
      toast.add({ title: 'Thanks — the moderators will take a look', icon: 'i-lucide-flag', color: 'success' })
      return true
    } catch (error) {
      toastError('Could not send the report', error)
      return false
    }
  }

  /** A message's earlier versions, oldest first. */
  async function editHistory(messageId: string): Promise<MessageEdit[]> {
    const { edits } = await api<{ edits: MessageEdit[] }>(`/api/messages/${messageId}/edits`)
    return edits
  }

  /** The absolute address of a message: `/c/:id#m-<seq>` on this origin. */
  function linkTo(message: Pick<Message, 'conversationId' | 'seq'>): string {
    return new URL(`/c/${message.conversationId}${messageHash(message.seq)}`, useRequestURL().origin).toString()
  }

  async function copyLink(message: Pick<Message, 'conversationId' | 'seq'>) {
    try {
      await copy(linkTo(message))
      toast.add({ title: 'Link copied', icon: 'i-lucide-link', color: 'success' })
    } catch {
      toast.add({ title: 'Could not copy the link', color: 'error' })
    }
  }

  return { edit, remove, setPinned, report, editHistory, linkTo, copyLink }
}
