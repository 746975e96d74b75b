import { OPEN_PATHS, SIGNED_OUT_PATHS } from '#shared/screens'

const SIGNED_OUT = new Set(SIGNED_OUT_PATHS)
const OPEN = new Set(OPEN_PATHS)

/** Signed-out visitors see only the sign-in pages; signed-in ones skip them. */
export default defineNuxtRouteMiddleware((to) => {
  const auth = useAuthStore()
  if (OPEN.has(to.path)) return
  if (!auth.signedIn && !SIGNED_OUT.has(to.path)) {
    return navigateTo({ path: '/login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} })
  }
  if (auth.signedIn && SIGNED_OUT.has(to.path)) return navigateTo('/')
})
