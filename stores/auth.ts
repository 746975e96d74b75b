import type { User } from '#shared/types'

// Earlier versions kept the access token here; it must not linger in storage any script can read.
const LEGACY_STORAGE_KEY = 'chat.auth'

/** Seconds-since-epoch `exp` of a JWT, read without verifying (the server verifies); 0 when unreadable. */
function tokenExp(token: string | null): number {
  if (!token) return 0
  try {
    const part = token.split('.')[1] ?? ''
    const json = JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown }
    return typeof json.exp === 'number' ? json.exp : 0
  } catch {
    return 0
  }
}

/**
 * The signed-in session, in memory only: a reload gets a fresh access token from the httpOnly
 * refresh cookie (local mode) or from Supabase's own session.
 */
export const useAuthStore = defineStore('auth', () => {
  if (import.meta.client) localStorage.removeItem(LEGACY_STORAGE_KEY)
  const token = ref<string | null>(null)
  const user = ref<User | null>(null)
  /** Opened without a network as the member last signed in on this device: no token until it reconnects. */
  const offline = ref(false)

  const signedIn = computed(() => !!user.value && (!!token.value || offline.value))
  const isAdmin = computed(() => user.value?.role === 'admin')
  /** When the access token stops working (ms since epoch; 0 when signed out). */
  const expiresAt = computed(() => tokenExp(token.value) * 1000)

  function setSession(accessToken: string, nextUser: User) {
    token.value = accessToken
    user.value = nextUser
    offline.value = false
  }

  /** The app opened with no network: show this member's cached app; the first reconnect renews the session (or ends it). */
  function resumeOffline(lastUser: User) {
    user.value = lastUser
    offline.value = true
  }

  function setUser(nextUser: User) {
    user.value = nextUser
  }

  function signOut() {
    token.value = null
    user.value = null
    offline.value = false
  }

  return { token, user, offline, signedIn, isAdmin, expiresAt, setSession, resumeOffline, setUser, signOut }
})
