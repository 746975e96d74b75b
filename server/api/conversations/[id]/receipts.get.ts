import { idParamsSchema } from '#shared/schemas'
import type { ReceiptsResponse } from '#shared/receipt-schemas'
import { listReceipts } from '../../../services/messages/receipts'

/** → `{ receipts: { userId, deliveredSeq, readSeq, readAt }[] }`: participants sharing receipts; empty for a caller who shares none. */
export default defineApiHandler(async (event): Promise<ReceiptsResponse> => {
  const actor = await requireActor(event)
  const { id } = await getValidatedRouterParams(event, idParamsSchema.parse)
  return { receipts: await listReceipts(actor, id) }
})
