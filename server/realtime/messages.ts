import { deleteMessageEventSchema, editMessageEventSchema, sendMessageEventSchema } from '#shared/schemas'
import { deleteMessage, editMessage, sendMessage } from '../services/messages/messages'
import { useMetrics } from '../infra/metrics'
import { getConfig } from '../utils/config'
import { onEvent, type ChatSocket } from './handle'

/** message:send, message:edit, message:delete */
export function registerMessageHandlers(socket: ChatSocket) {
  const { maxMessageLength } = getConfig()
  // One socket's sends run one after another, so a client that does not wait for acks still gets
  // seqs in the order it sent (on Postgres, concurrent transactions would race for the counter).
  let previous: Promise<unknown> = Promise.resolve()
  onEvent(socket, 'message:send', sendMessageEventSchema(maxMessageLength), (actor, input) => {
    const turn = previous.then(async () => {
      const stop = useMetrics().sendAckSeconds.startTimer({ transport: 'socket' })
      try {
        return await sendMessage(actor, input)
      } finally {
        stop()
      }
    })
    previous = turn.catch(() => undefined)
    return turn
  })
  onEvent(socket, 'message:edit', editMessageEventSchema(maxMessageLength), async (actor, input) => ({ message: await editMessage(actor, input) }))
  onEvent(socket, 'message:delete', deleteMessageEventSchema, async (actor, input) => {
    await deleteMessage(actor, input)
    return {}
  })
}
