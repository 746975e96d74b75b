import { unsubscribeQuerySchema } from '#shared/email-schemas'
import { verifyUnsubscribeToken } from '../../services/notifications/email/unsubscribe'
import { unsubscribePage } from '../../services/notifications/email/unsubscribe-page'

/**
 * The unsubscribe link opened in a browser: a confirmation page whose button posts the one-click
 * request. A GET changes nothing, so link scanners in mail systems cannot unsubscribe anyone.
 */
export default defineEventHandler(async (event) => {
  setResponseHeader(event, 'content-type', 'text/html; charset=utf-8')
  setResponseHeader(event, 'cache-control', 'no-store')
  const query = unsubscribeQuerySchema.safeParse(getQuery(event))
  const valid = query.success && await verifyUnsubscribeToken(query.data.token).then(() => true, () => false)
  if (!valid) {
    setResponseStatus(event, 400)
    return unsubscribePage('invalid')
  }
  return unsubscribePage('confirm')
})
