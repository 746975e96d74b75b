import type { User } from '#shared/types'

const STORAGE_KEY = 'chat.auth'

interface StoredSession { token: string, user: User }

function readStored(): StoredSession | null {
  if (import.meta.server) return null
  try {
    const raw = localStorage.getItem(STORAGE_KEY)
    return raw ? JSON.parse(raw) as StoredSession : null
  } catch {
    return null
  }
}

/** The signed-in session: access token and user, persisted so a reload stays signed in. */
export const useAuthStore = defineStore('auth', () => {
  const stored = readStored()
  const token = ref<string | null>(stored?.token ?? null)
  const user = ref<User | null>(stored?.user ?? null)

  const signedIn = computed(() => !!token.value && !!user.value)
  const isAdmin = computed(() => user.value?.role === 'admin')

  function persist() {
    if (token.value && user.value) localStorage.setItem(STORAGE_KEY, JSON.stringify({ token: token.value, user: user.value }))
    else localStorage.removeItem(STORAGE_KEY)
  }

  function setSession(accessToken: string, nextUser: User) {
    token.value = accessToken
    user.value = nextUser
    persist()
  }

  function setUser(nextUser: User) {
    user.value = nextUser
    persist()
  }

  function signOut() {
    token.value = null
    user.value = null
    persist()
  }

  return { token, user, signedIn, isAdmin, setSession, setUser, signOut }
})
