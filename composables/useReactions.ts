import type { Message } from '#shared/types'
import { sameEmoji } from '~/utils/chat/emoji-data'

/** Adding and removing the member's own reactions over the socket. */
export function useReactions() {
  const socket = useSocket()
  const store = useMessagesStore()
  const auth = useAuthStore()
  const toast = useToast()
  const emoji = useEmoji()

  const reacted = (message: Pick<Message, 'reactions'>, value: string) =>
    !!auth.user && !!message.reactions.find(r => sameEmoji(r.emoji, value))?.userIds.includes(auth.user.id)

  /** Adds the reaction, or takes it back when it is already mine; the ack's message goes to the store. */
  async function toggle(message: Pick<Message, 'id' | 'reactions'>, value: string) {
    const event = reacted(message, value) ? 'reaction:remove' : 'reaction:add'
    if (event === 'reaction:add') emoji.remember(value)
    // Removing names the reaction as stored; a quick reaction may be spelt without its selector.
    const stored = message.reactions.find(r => sameEmoji(r.emoji, value))?.emoji ?? value
    try {
      const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, { messageId: message.id, emoji: event === 'reaction:remove' ? stored : value })
      if (ack.ok) store.upsert(ack.message)
      else toast.add({ title: 'Could not update the reaction', description: describeError(ack.error), color: 'error' })
    } catch {
      toast.add({ title: 'Could not update the reaction', description: 'No reply from the server', color: 'error' })
    }
  }

  /** Adds a reaction chosen in a picker: one already mine stays (toggling would take it away) and only moves up in the recents. */
  function add(message: Pick<Message, 'id' | 'reactions'>, value: string) {
    if (reacted(message, value)) emoji.remember(value)
    else void toggle(message, value)
  }

  return { reacted, toggle, add }
}
