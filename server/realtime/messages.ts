import { deleteMessage, editMessage, sendMessage } from '../services/messages'
import { useMetrics } from '../infra/metrics'
import { onEvent, type ChatSocket } from './handle'

/** message:send, message:edit, message:delete */
export function registerMessageHandlers(socket: ChatSocket) {
  // One socket's sends run one after another, so a client that does not wait for acks still gets
  // seqs in the order it sent (on Postgres, concurrent transactions would race for the counter).
  let previous: Promise<unknown> = Promise.resolve()
  onEvent(socket, 'message:send', (actor, payload) => {
    const turn = previous.then(async () => {
      const stop = useMetrics().sendAckSeconds.startTimer({ transport: 'socket' })
      try {
        return await sendMessage(actor, payload)
      } finally {
        stop()
      }
    })
    previous = turn.catch(() => undefined)
    return turn
  })
  onEvent(socket, 'message:edit', async (actor, payload) => ({ message: await editMessage(actor, payload) }))
  onEvent(socket, 'message:delete', async (actor, payload) => {
    await deleteMessage(actor, payload)
    return {}
  })
}
