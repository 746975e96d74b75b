import type { H3Event } from 'h3'
import { getHeader } from 'h3'
import { resolveActor, type Actor } from '../infra/auth/identity'
import { getConfig } from './config'
import { AppError } from './errors'

/** Resolves the caller of a REST request, or fails with UNAUTHENTICATED. */
export async function requireActor(event: H3Event): Promise<Actor> {
  const cached = event.context.actor as Actor | undefined
  if (cached) return cached
  const header = getHeader(event, 'authorization') ?? ''
  const token = header.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : undefined
  const actor = await resolveActor(token)
  event.context.actor = actor
  return actor
}

/** Like requireActor, and the caller must hold the admin role. */
export async function requireAdmin(event: H3Event): Promise<Actor> {
  const actor = await requireActor(event)
  if (actor.role !== 'admin') throw new AppError('FORBIDDEN', 'admin role required')
  return actor
}

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
