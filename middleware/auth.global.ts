const PUBLIC_PATHS = new Set(['/login', '/signup'])

/** Signed-out visitors see only the sign-in pages; signed-in ones skip them. */
export default defineNuxtRouteMiddleware((to) => {
  const auth = useAuthStore()
  if (!auth.signedIn && !PUBLIC_PATHS.has(to.path)) {
    return navigateTo({ path: '/login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} })
  }
  if (auth.signedIn && PUBLIC_PATHS.has(to.path)) return navigateTo('/')
})
