import type { H3Event } from 'h3'
import { getHeader } from 'h3'
import { verifyAccessToken } from '../infra/auth/tokens'
import { actorFromClaims, type Actor } from '../services/users'
import { AppError } from './errors'

/** One path from a bearer token to an actor, used by REST and by the Socket.IO handshake. */
export async function resolveActor(token: string | undefined | null): Promise<Actor> {
  if (!token) throw new AppError('UNAUTHENTICATED', 'missing access token')
  let claims
  try {
    claims = await verifyAccessToken(token)
  } catch {
    throw new AppError('UNAUTHENTICATED', 'invalid or expired access token')
  }
  return actorFromClaims(claims)
}

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
