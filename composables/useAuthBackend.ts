import type { SupabaseClient } from '@supabase/supabase-js'
import type { User } from '#shared/types'

export interface ClientConfig {
  auth: 'local' | 'supabase'
  supabaseUrl: string | null
  supabaseAnonKey: string | null
  maxMessageLength: number
  uploadMaxBytes: number
}

export type SignUpResult = { accessToken: string, user: User } | { confirmEmail: true }

/** How the browser signs in: local accounts, or Supabase Auth. Chosen at run time from /api/config. */
export interface AuthBackend {
  mode: ClientConfig['auth']
  config: ClientConfig
  signIn: (email: string, password: string) => Promise<{ accessToken: string, user: User }>
  signUp: (input: { email: string, password: string, displayName: string }) => Promise<SignUpResult>
  /** Supabase only: sends a one-time sign-in link. */
  sendMagicLink: ((email: string) => Promise<void>) | null
  /** A fresh access token when the provider can refresh the session, else null. */
  refresh: () => Promise<string | null>
  signOut: () => Promise<void>
}

/** The sign-in backend provided by plugins/00.auth-backend.client.ts. */
export function useAuthBackend(): AuthBackend {
  return useNuxtApp().$authBackend as AuthBackend
}

export type { SupabaseClient }

/** The contract code, status and message of a failed sign-in or sign-up, whatever the backend. */
export function describeAuthError(error: unknown): { code: string | undefined, status: number | undefined, message: string } {
  const e = error as { status?: number, statusCode?: number, data?: { error?: { code?: string, message?: string } }, message?: string }
  return {
    code: e.data?.error?.code,
    status: e.status ?? e.statusCode,
    message: e.data?.error?.message ?? e.message ?? 'something went wrong'
  }
}
