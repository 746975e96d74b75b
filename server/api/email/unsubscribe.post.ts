import { unsubscribeQuerySchema } from '#shared/email-schemas'
import { unsubscribeByToken } from '../../services/notifications/email/unsubscribe'
import { unsubscribePage } from '../../services/notifications/email/unsubscribe-page'

/**
 * One-click unsubscribe (RFC 8058): mail clients post `List-Unsubscribe=One-Click` to the link of the
 * List-Unsubscribe header and get `{ ok: true }`; the confirmation page's button gets a page back.
 */
export default defineApiHandler(async (event) => {
  const { token } = await getValidatedQuery(event, unsubscribeQuerySchema.parse)
  await unsubscribeByToken(token)
  if ((getHeader(event, 'accept') ?? '').includes('text/html')) {
    setResponseHeader(event, 'content-type', 'text/html; charset=utf-8')
    return unsubscribePage('done')
  }
  return { ok: true as const }
})
