import { idParamsSchema, sendMessageBodySchema } from '#shared/schemas'
import { sendMessage } from '../../../services/messages/messages'
import { useMetrics } from '../../../infra/metrics'

export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  const body = await readValidatedBody(event, bodyOf(sendMessageBodySchema(getConfig().maxMessageLength)))
  const stop = useMetrics().sendAckSeconds.startTimer({ transport: 'http' })
  try {
    return await sendMessage(actor, { ...body, conversationId: id })
  } finally {
    stop()
  }
})
