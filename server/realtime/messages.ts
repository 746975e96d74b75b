import { deleteMessage, editMessage, sendMessage } from '../services/messages'
import { useMetrics } from '../infra/metrics'
import { onEvent, type ChatSocket } from './handle'

/** message:send, message:edit, message:delete */
export function registerMessageHandlers(socket: ChatSocket) {
  onEvent(socket, 'message:send', async (actor, payload) => {
    const stop = useMetrics().sendAckSeconds.startTimer({ transport: 'socket' })
    try {
      return await sendMessage(actor, payload)
    } finally {
      stop()
    }
  })
  onEvent(socket, 'message:edit', async (actor, payload) => ({ message: await editMessage(actor, payload) }))
  onEvent(socket, 'message:delete', async (actor, payload) => {
    await deleteMessage(actor, payload)
    return {}
  })
}
