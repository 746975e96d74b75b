import type { H3Event } from 'h3'
import { deleteCookie, getCookie, setCookie } from 'h3'
import { requestIsSecure } from '../../utils/request'

/** The refresh cookie: httpOnly (no script reads it), same-site only, sent to the auth routes alone. */
export const REFRESH_COOKIE = 'chat_refresh'
const PATH = '/api/auth'

export function setRefreshCookie(event: H3Event, token: string, expiresAt: Date) {
  setCookie(event, REFRESH_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: requestIsSecure(event),
    path: PATH,
    expires: expiresAt
  })
}

export function readRefreshCookie(event: H3Event): string | undefined {
  return getCookie(event, REFRESH_COOKIE) || undefined
}

export function clearRefreshCookie(event: H3Event) {
  deleteCookie(event, REFRESH_COOKIE, { httpOnly: true, sameSite: 'strict', secure: requestIsSecure(event), path: PATH })
}

/** The contract's `{ accessToken, user }` (plus expiry) with the refresh token set as the cookie. */
export function sessionResponse(event: H3Event, session: { accessToken: string, expiresAt: string, expiresIn: number, refreshToken: string, refreshExpiresAt: Date, user: unknown }) {
  setRefreshCookie(event, session.refreshToken, session.refreshExpiresAt)
  return { accessToken: session.accessToken, expiresAt: session.expiresAt, expiresIn: session.expiresIn, user: session.user }
}
