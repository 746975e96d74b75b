import { idParamsSchema } from '#shared/schemas'
import { sendMessage } from '../../../services/messages'
import { useMetrics } from '../../../infra/metrics'

export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = readParams(event, idParamsSchema)
  const body = await readJson(event)
  const stop = useMetrics().sendAckSeconds.startTimer({ transport: 'http' })
  try {
    return await sendMessage(actor, { ...(body as object), conversationId: id })
  } finally {
    stop()
  }
})
