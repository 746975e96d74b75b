import type { User } from '#shared/types'

/**
 * Admin pages only for admins. The stored user may be stale (a role changed since sign-in), so the
 * role is confirmed with /api/me once per visit to the admin area; the server checks every call anyway.
 */
export default defineNuxtRouteMiddleware(async (to) => {
  const auth = useAuthStore()
  if (!auth.signedIn) return navigateTo({ path: '/login', query: { redirect: to.fullPath } })
  const confirmed = useState('admin-role-confirmed', () => false)
  if (!confirmed.value) {
    try {
      const { user } = await useApi()<{ user: User }>('/api/me')
      auth.setUser(user)
      confirmed.value = true
    } catch {
      // useApi already signed out and went to /login on 401; anything else leaves the stored role to decide.
      if (!auth.signedIn) return navigateTo({ path: '/login', query: { redirect: to.fullPath } })
    }
  }
  if (!auth.isAdmin) {
    confirmed.value = false
    return navigateTo('/')
  }
})
