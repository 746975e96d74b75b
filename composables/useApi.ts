import type { ErrorBody, ErrorCode } from '#shared/errors'

/** A failed API call carrying the contract's error code. */
export class ApiError extends Error {
  constructor(
    public readonly code: ErrorCode | 'NETWORK',
    message: string,
    public readonly status: number,
    public readonly details?: Record<string, unknown>
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

function isErrorEnvelope(value: unknown): value is { error: ErrorBody } {
  return typeof value === 'object' && value !== null && 'error' in value
    && typeof (value as { error: unknown }).error === 'object'
}

interface ApiOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  body?: Record<string, unknown> | FormData
  query?: Record<string, string | number | undefined>
}

/** `$fetch` with the bearer token; contract errors become ApiError and a 401 signs out. */
export function useApi() {
  const auth = useAuthStore()
  const nuxtApp = useNuxtApp()

  return async function api<T>(url: string, options: ApiOptions = {}): Promise<T> {
    // Plain string URL on purpose: typed Nitro routes would turn every call site into a union chase.
    const fetcher = $fetch as (url: string, opts: object) => Promise<T>
    const call = () => fetcher(url, { ...options, headers: auth.token ? { Authorization: `Bearer ${auth.token}` } : {} })
    const statusOf = (err: unknown) => (err as { status?: number }).status ?? (err as { response?: { status?: number } }).response?.status ?? 0
    try {
      try {
        return await call()
      } catch (err) {
        // An expired access token is renewed once (refresh cookie or Supabase session), then the call retried.
        if (statusOf(err) !== 401 || !auth.signedIn || !(await renewSession())) throw err
        return await call()
      }
    } catch (err) {
      const status = statusOf(err)
      const data = (err as { data?: unknown }).data
      if (status === 401) {
        auth.signOut()
        await nuxtApp.runWithContext(() => navigateTo('/login'))
      }
      if (isErrorEnvelope(data)) throw new ApiError(data.error.code, data.error.message, status, data.error.details)
      throw new ApiError(status ? 'INTERNAL' : 'NETWORK', status ? `Request failed (${status})` : 'Network error', status)
    }
  }
}
