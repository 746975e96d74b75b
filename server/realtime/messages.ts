import { deleteMessageEventSchema, editMessageEventSchema, sendMessageEventSchema } from '#shared/schemas'
import { deleteMessage, editMessage, sendMessage } from '../services/messages/messages'
import { useMetrics } from '../infra/metrics'
import { getConfig } from '../utils/config'
import { onEvent, type ChatSocket } from './handle'

// One socket's sends run one after another, so a client that does not wait for acks still gets
// seqs in the order it sent (on Postgres, concurrent transactions would race for the counter).
// The chain lives only while a send is in flight: an idle socket holds none.
const sendChains = new WeakMap<ChatSocket, Promise<unknown>>()

/** message:send, message:edit, message:delete */
export function registerMessageHandlers() {
  const { maxMessageLength } = getConfig()
  onEvent('message:send', sendMessageEventSchema(maxMessageLength), (actor, input, socket) => {
    const turn = (sendChains.get(socket) ?? Promise.resolve()).then(async () => {
      const stop = useMetrics().sendAckSeconds.startTimer({ transport: 'socket' })
      try {
        return await sendMessage(actor, input)
      } finally {
        stop()
      }
    })
    const tail = turn.catch(() => undefined)
    sendChains.set(socket, tail)
    void tail.then(() => {
      if (sendChains.get(socket) === tail) sendChains.delete(socket)
    })
    return turn
  })
  onEvent('message:edit', editMessageEventSchema(maxMessageLength), async (actor, input) => ({ message: await editMessage(actor, input) }))
  onEvent('message:delete', deleteMessageEventSchema, async (actor, input) => {
    await deleteMessage(actor, input)
    return {}
  })
}
