import { getConfig } from '../utils/config'

type CspSources = Record<string, string[] | string | boolean>
type SecurityRoutes = Record<string, { headers?: { contentSecurityPolicy?: CspSources | false } }>

/**
 * One build serves both sign-in modes, so the Supabase origin the browser talks to (auth API,
 * storage redirects for images) is only known at start-up: add it to the page CSP then.
 */
export default defineNitroPlugin((nitroApp) => {
  const supabaseUrl = getConfig().supabase?.url
  if (!supabaseUrl) return
  const origin = new URL(supabaseUrl).origin
  const socketOrigin = origin.replace(/^http/, 'ws')
  const hooks = nitroApp.hooks as unknown as { hook: (name: string, fn: (routes: SecurityRoutes) => void) => void }
  hooks.hook('nuxt-security:routeRules', (routes) => {
    const csp = routes['/**']?.headers?.contentSecurityPolicy
    if (!csp) return
    const add = (directive: string, ...sources: string[]) => {
      const current = csp[directive]
      csp[directive] = [...(Array.isArray(current) ? current : typeof current === 'string' ? current.split(' ') : []), ...sources]
    }
    add('connect-src', origin, socketOrigin)
    add('img-src', origin)
  })
})
