import type { User } from '#shared/types'
import type { AuthBackend, SupabaseClient } from '~/composables/useAuthBackend'
import { REFRESH_LOCK, takeEarly } from '~/utils/boot/early-requests'
import { rememberedUser } from '~/utils/offline/offline-db'

async function fetchMe(accessToken: string): Promise<User> {
  const { user } = await $fetch<{ user: User }>('/api/me', { headers: { Authorization: `Bearer ${accessToken}` } })
  return user
}

type LocalSession = { accessToken: string, user: User }

function localBackend(): AuthBackend {
  const post = <T>(url: string, body: object) => $fetch<T>(url, { method: 'POST', body })
  let inFlight: Promise<LocalSession | null> | null = null

  // Tabs share the refresh cookie: one rotation at a time across them, or a tab would replay a spent token.
  async function rotate(): Promise<LocalSession | null> {
    const run = () => post<LocalSession>('/api/auth/refresh', {}).catch(() => null)
    return typeof navigator !== 'undefined' && navigator.locks ? navigator.locks.request(REFRESH_LOCK, run) : run()
  }
  const refreshOnce = () => (inFlight ??= rotate().finally(() => { inFlight = null }))

  return {
    mode: 'local',
    signIn: (email, password) => post('/api/auth/local/login', { email, password }),
    signUp: input => post('/api/auth/local/signup', input),
    sendMagicLink: null,
    requestPasswordReset: async (email) => {
      await post('/api/auth/local/forgot', { email })
    },
    resetPassword: async ({ token, password }) => {
      if (!token) throw authError('this reset link is incomplete', 400)
      await post('/api/auth/local/reset', { token, password })
    },
    refresh: async () => (await refreshOnce())?.accessToken ?? null,
    restore: refreshOnce,
    signOut: async () => {
      await post('/api/auth/logout', {}).catch(logFailure('ending the session on the server'))
    }
  }
}

/** The shell's refresh answer, when it has the shape of a session. */
function earlySession(): Promise<LocalSession | null> | null {
  const early = takeEarly('session')
  if (!early) return null
  return early.then((answer) => {
    const session = answer as Partial<LocalSession> | null
    return typeof session?.accessToken === 'string' && typeof session.user === 'object' && session.user ? session as LocalSession : null
  }, () => null)
}

/** Renews local access tokens shortly before they expire, so REST calls and reconnects never carry a dead one. */
function scheduleLocalRefresh() {
  const auth = useAuthStore()
  let timer: ReturnType<typeof setTimeout> | undefined
  watch(() => auth.token, () => {
    clearTimeout(timer)
    if (!auth.token || !auth.expiresAt) return
    const msLeft = auth.expiresAt - Date.now()
    timer = setTimeout(() => { void renewSession() }, Math.max(1000, Math.min(msLeft * 0.8, msLeft - 30_000)))
  }, { immediate: true })
}

/** An error shaped like the API's, so the pages show one kind of message whatever the backend. */
function authError(message: string, status: number): Error {
  return Object.assign(new Error(message), { status, data: { error: { code: status === 401 ? 'UNAUTHENTICATED' : 'VALIDATION', message } } })
}

function supabaseBackend(client: SupabaseClient): AuthBackend {
  const auth = useAuthStore()
  // Refreshed tokens flow into the store, so REST calls and socket reconnects use them.
  client.auth.onAuthStateChange((event, session) => {
    if (event === 'TOKEN_REFRESHED' && session && auth.user) auth.setSession(session.access_token, auth.user)
    if (event === 'SIGNED_OUT' && auth.token) auth.signOut()
  })
  return {
    mode: 'supabase',
    async signIn(email, password) {
      const { data, error } = await client.auth.signInWithPassword({ email, password })
      if (error || !data.session) throw authError(error?.message ?? 'sign-in failed', 401)
      return { accessToken: data.session.access_token, user: await fetchMe(data.session.access_token) }
    },
    async signUp({ email, password, displayName }) {
      const { data, error } = await client.auth.signUp({ email, password, options: { data: { display_name: displayName } } })
      if (error) throw authError(error.message, 400)
      if (!data.session) return { confirmEmail: true }
      return { accessToken: data.session.access_token, user: await fetchMe(data.session.access_token) }
    },
    async sendMagicLink(email) {
      const { error } = await client.auth.signInWithOtp({ email, options: { emailRedirectTo: `${location.origin}/login` } })
      if (error) throw authError(error.message, 400)
    },
    async requestPasswordReset(email) {
      // The recovery link signs this browser in (PKCE) and lands on the reset page.
      const { error } = await client.auth.resetPasswordForEmail(email, { redirectTo: `${location.origin}/reset` })
      if (error) throw authError(error.message, 400)
    },
    async resetPassword({ password }) {
      const { data } = await client.auth.getSession()
      if (!data.session) throw authError('this reset link is invalid or has expired, ask for a new one', 400)
      const { error } = await client.auth.updateUser({ password })
      if (error) throw authError(error.message, 400)
    },
    async refresh() {
      const { data, error } = await client.auth.refreshSession()
      return error || !data.session ? null : data.session.access_token
    },
    async restore() {
      const { data } = await client.auth.getSession()
      return data.session ? { accessToken: data.session.access_token, user: await fetchMe(data.session.access_token) } : null
    },
    async signOut() {
      await client.auth.signOut()
    }
  }
}

/**
 * Picks the sign-in backend at run time: without SUPABASE_URL on the server it stays local and
 * never loads a Supabase client, so one build serves both modes.
 */
export default defineNuxtPlugin({
  name: 'auth-backend',
  parallel: false,
  async setup() {
    // The session is asked for beside /api/config, not after it (one round trip less before the
    // first screen): in local mode, or on a device that has not learnt the mode yet, the page shell
    // has rotated the refresh cookie already (utils/boot/early-requests.ts), or the refresh starts now.
    const local = localBackend()
    const early = keptClientConfig()?.auth === 'supabase' ? null : earlySession() ?? local.restore().catch(() => null)
    const config = await readClientConfig()
    let backend = local
    if (config.auth === 'supabase' && config.supabaseUrl && config.supabaseAnonKey) {
      // Supabase keeps and refreshes its own session; a magic link also lands here with one. Its
      // client is imported here only, so local sign-in never downloads it.
      const { createBrowserClient } = await import('@supabase/ssr')
      backend = supabaseBackend(createBrowserClient(config.supabaseUrl, config.supabaseAnonKey))
    } else {
      scheduleLocalRefresh()
    }
    // The access token lives in memory only: every page load resumes the session from the backend.
    const session = await (backend === local && early ? early : backend.restore().catch(() => null))
    if (session) useAuthStore().setSession(session.accessToken, session.user)
    else if (!navigator.onLine) {
      // No network: the member last signed in here gets their cached app; reconnecting renews the session or ends it.
      const last = await rememberedUser().catch(() => null)
      if (last) useAuthStore().resumeOffline(last)
    }
    return { provide: { authBackend: backend } }
  }
})
