const PUBLIC_PATHS = new Set(['/login', '/signup', '/forgot'])
/** A password reset link opens for anyone: a Supabase recovery link has signed the browser in by then. */
const OPEN_PATHS = new Set(['/reset'])

/** Signed-out visitors see only the sign-in pages; signed-in ones skip them. */
export default defineNuxtRouteMiddleware((to) => {
  const auth = useAuthStore()
  if (OPEN_PATHS.has(to.path)) return
  if (!auth.signedIn && !PUBLIC_PATHS.has(to.path)) {
    return navigateTo({ path: '/login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} })
  }
  if (auth.signedIn && PUBLIC_PATHS.has(to.path)) return navigateTo('/')
})
