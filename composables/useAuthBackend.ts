import type { SupabaseClient } from '@supabase/supabase-js'
import type { User } from '#shared/types'
import type { ClientConfig } from '~/composables/useClientConfig'

export type SignUpResult = { accessToken: string, user: User } | { confirmEmail: true }

/** How the browser signs in: local accounts, or Supabase Auth. Chosen at run time from /api/config. */
export interface AuthBackend {
  mode: ClientConfig['auth']
  signIn: (email: string, password: string) => Promise<{ accessToken: string, user: User }>
  signUp: (input: { email: string, password: string, displayName: string }) => Promise<SignUpResult>
  /** Supabase only: sends a one-time sign-in link. */
  sendMagicLink: ((email: string) => Promise<void>) | null
  /** "Forgot password": emails a reset link (the answer is the same whether or not the address is known). */
  requestPasswordReset: (email: string) => Promise<void>
  /**
   * Sets a new password from a reset link: local mode spends the link's `token`; Supabase mode
   * updates the recovery session the link signed this browser into (`token` is then null).
   */
  resetPassword: (input: { token: string | null, password: string }) => Promise<void>
  /** A fresh access token when the provider can refresh the session, else null. */
  refresh: () => Promise<string | null>
  /** The session to resume on app start (local mode: from the httpOnly refresh cookie), else null. */
  restore: () => Promise<{ accessToken: string, user: User } | null>
  signOut: () => Promise<void>
}

/** The sign-in backend provided by plugins/00.auth-backend.client.ts. */
export function useAuthBackend(): AuthBackend {
  return useNuxtApp().$authBackend as AuthBackend
}

export type { SupabaseClient }

/** Renews the access token through the backend and stores it; null when the session is gone. */
export async function renewSession(): Promise<string | null> {
  const auth = useAuthStore()
  const fresh = await useAuthBackend().refresh().catch(() => null)
  if (fresh && auth.user) auth.setSession(fresh, auth.user)
  return fresh
}

/** The current access token, renewed first when it is about to expire (for socket reconnects). */
export async function freshAccessToken(marginMs = 30_000): Promise<string | null> {
  const auth = useAuthStore()
  if (auth.token && auth.expiresAt - Date.now() > marginMs) return auth.token
  return (await renewSession()) ?? auth.token
}

/** The contract code, status and message of a failed sign-in or sign-up, whatever the backend. */
export function describeAuthError(error: unknown): { code: string | undefined, status: number | undefined, message: string } {
  const e = error as { status?: number, statusCode?: number, data?: { error?: { code?: string, message?: string } }, message?: string }
  return {
    code: e.data?.error?.code,
    status: e.status ?? e.statusCode,
    message: e.data?.error?.message ?? e.message ?? 'something went wrong'
  }
}
