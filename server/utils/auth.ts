import type { H3Event } from 'h3'
import { getHeader } from 'h3'
import type { Actor } from '../domain/actor'
import { resolveActor } from '../infra/auth/identity'
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
