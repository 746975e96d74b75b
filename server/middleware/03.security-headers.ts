import type { TLSSocket } from 'node:tls'

/** 180 days, the value nuxt-security would send. */
const HSTS = 'max-age=15552000'

/**
 * Headers every response carries, API and Socket.IO included (pages get the full set, CSP
 * with a per-request nonce, from nuxt-security). HSTS only when the request arrived over TLS
 * — directly or per the proxy's x-forwarded-proto — or when HSTS=always; HSTS=off never.
 */
export default defineEventHandler((event) => {
  setResponseHeaders(event, {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer'
  })
  const mode = (process.env.HSTS || 'auto').toLowerCase()
  if (mode === 'off') return
  const forwarded = getRequestHeader(event, 'x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase()
  const tls = Boolean((event.node.req.socket as TLSSocket).encrypted) || forwarded === 'https'
  if (mode === 'always' || tls) setResponseHeader(event, 'strict-transport-security', HSTS)
})
