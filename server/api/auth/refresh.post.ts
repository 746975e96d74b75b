import { clearRefreshCookie, readRefreshCookie, sessionResponse } from '../../infra/auth/refresh-cookie'
import { refreshSession } from '../../services/auth/sessions'
import { assertLocalAuth } from '../../services/auth/local-accounts'

/** Rotates the refresh cookie: a new access token and a new refresh token; the old one is spent. */
export default defineApiHandler(async (event) => {
  assertLocalAuth()
  try {
    return sessionResponse(event, await refreshSession(readRefreshCookie(event)))
  } catch (error) {
    clearRefreshCookie(event)
    throw error
  }
})
