import { threadParamsSchema, threadReadBodySchema } from '#shared/thread-schemas'
import { markThreadRead } from '../../../services/messages/reads-threads'

/** `{ seq? }` → `{ ok: true, thread: { conversationId, threadRootId, unreadCount, mentionCount } }`. */
export default defineApiHandler(async (event) => {
  const actor = await requireActor(event)
  const { rootId } = await getValidatedRouterParams(event, threadParamsSchema.parse)
  const { seq } = await readValidatedBody(event, bodyOf(threadReadBodySchema))
  return { ok: true, thread: await markThreadRead(actor, rootId, seq) }
})
