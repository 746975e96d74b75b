import type { User } from '#shared/types'

export declare const REFRESH_COOKIE: string
export declare const TEST_PASSWORD: string

export interface ErrorBody { code: string, message: string, details?: Record<string, unknown> }

export interface RequestOptions {
  token?: string
  body?: unknown
  raw?: string
  cookie?: string
  /** Leave an invitation answered by `POST /api/projects/:id/members` pending (by default the invitee's session accepts it). */
  keepInvitation?: boolean
}

export interface Response<T> {
  status: number
  body: T & { error?: ErrorBody }
  /** The raw Set-Cookie of the refresh cookie, if the response set one. */
  setCookie: string | undefined
  /** The refresh cookie's new value ('' when cleared), if set. */
  cookie: string | undefined
}

/** A signed-in session as a browser holds it: the access token in memory, the refresh token in its cookie. */
export interface AccountSession { token: string, user: User, base: string, cookie: string, expiresAt: string }

export declare function request<T = Record<string, unknown>>(base: string, method: string, path: string, options?: RequestOptions): Promise<Response<T>>
/** What the sign-in, sign-up and refresh routes answer. */
export interface AuthAnswer { accessToken?: string, expiresAt?: string, user?: User }
export declare function authPost(base: string, path: string, options?: { body?: unknown, cookie?: string, token?: string }): Promise<Response<AuthAnswer>>
export declare function sessionOf(res: Response<AuthAnswer>, base: string, what: string): AccountSession
export declare function logInAccount(base: string, email: string, password: string): Promise<AccountSession>
export declare function signUpAccount(base: string, account: { email: string, displayName: string, password?: string }): Promise<AccountSession>
