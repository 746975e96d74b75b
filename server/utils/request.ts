import type { H3Event } from 'h3'
import { getHeader } from 'h3'
import { getConfig } from './config'

/**
 * The client's address for throttling. X-Forwarded-For is only believed for as many hops as
 * TRUST_PROXY_HOPS says: the entry the nearest trusted proxy appended, never one the client wrote.
 */
export function requestIp(event: H3Event): string {
  const direct = event.node.req.socket.remoteAddress ?? 'unknown'
  const hops = getConfig().trustProxyHops
  if (!hops) return direct
  const forwarded = (getHeader(event, 'x-forwarded-for') ?? '').split(',').map(s => s.trim()).filter(Boolean)
  return forwarded[forwarded.length - hops] ?? direct
}

/** Whether the client reached us over TLS (directly, or per a trusted proxy). */
export function requestIsSecure(event: H3Event): boolean {
  if ((event.node.req.socket as { encrypted?: boolean }).encrypted) return true
  if (!getConfig().trustProxyHops) return false
  const proto = (getHeader(event, 'x-forwarded-proto') ?? '').split(',').map(s => s.trim())
  return proto[proto.length - 1] === 'https'
}
