import type { ClientStateInput } from '#shared/schemas'
import { logger } from '../../infra/logger'
import { getRedis } from '../../infra/redis'

/** What one client (socket) of a user shows, as it last said with `client:state`. */
export type ClientState = ClientStateInput

/** What the notifier needs to know of one user's clients. */
export interface UserVisibility {
  /** Some client is visible (shown and focused). */
  anyVisible: boolean
  /** Conversations a visible client shows. */
  conversations: Set<string>
}

// Per socket: in this instance's memory, and in Redis when configured so every instance's notifier
// sees every client: one hash per user, field = socket id. A closing socket removes its field; an
// instance that dies cannot, so each instance re-stamps its own fields every REFRESH_MS and readers
// ignore fields older than STALE_MS; the hash itself expires when nobody writes to it.
// Calls that span users are one command per user's hash, never one pipeline or multi-key command:
// on a Redis Cluster the hashes live on different nodes. Auto-pipelining still sends the commands of
// one turn together (one write per node).
const REFRESH_MS = 60_000
const STALE_MS = 3 * REFRESH_MS
const KEY_TTL_SECONDS = 24 * 3600
const key = (userId: string) => `client-state:${userId}`

const local = new Map<string, Map<string, ClientState>>()
let refresher: ReturnType<typeof setInterval> | undefined

interface Stored extends ClientState { at: number }

function startRefresher() {
  if (refresher || !getRedis()) return
  refresher = setInterval(() => {
    const redis = getRedis()
    if (!redis || local.size === 0) return
    const at = Date.now()
    const writes = [...local].flatMap(([userId, sockets]) => {
      const fields = Object.fromEntries([...sockets].map(([socketId, state]) => [socketId, JSON.stringify({ ...state, at } satisfies Stored)]))
      return [redis.hset(key(userId), fields), redis.expire(key(userId), KEY_TTL_SECONDS)]
    })
    Promise.all(writes).catch((err: unknown) => logger.warn({ err }, 'could not refresh client states'))
  }, REFRESH_MS)
  refresher.unref?.()
}

/** Records what a socket of the user shows now. */
export async function setClientState(userId: string, socketId: string, state: ClientState): Promise<void> {
  const sockets = local.get(userId) ?? new Map<string, ClientState>()
  sockets.set(socketId, { visible: state.visible, conversationId: state.conversationId })
  local.set(userId, sockets)
  const redis = getRedis()
  if (!redis) return
  startRefresher()
  await redis.pipeline()
    .hset(key(userId), socketId, JSON.stringify({ ...state, at: Date.now() } satisfies Stored))
    .expire(key(userId), KEY_TTL_SECONDS)
    .exec()
}

/** Forgets a socket that closed. */
export async function clearClientState(userId: string, socketId: string): Promise<void> {
  const sockets = local.get(userId)
  if (sockets?.delete(socketId) && sockets.size === 0) local.delete(userId)
  await getRedis()?.hdel(key(userId), socketId)
}

function parse(raw: string, now: number): ClientState | null {
  try {
    const stored = JSON.parse(raw) as Partial<Stored>
    if (typeof stored.at !== 'number' || now - stored.at > STALE_MS) return null
    return { visible: stored.visible === true, conversationId: typeof stored.conversationId === 'string' ? stored.conversationId : null }
  } catch {
    return null
  }
}

function summarize(states: Iterable<ClientState>): UserVisibility {
  const visibility: UserVisibility = { anyVisible: false, conversations: new Set() }
  for (const state of states) {
    if (!state.visible) continue
    visibility.anyVisible = true
    if (state.conversationId) visibility.conversations.add(state.conversationId)
  }
  return visibility
}

/** What the users' clients show, everywhere (one Redis round trip for all of them, per node). */
export async function visibilityOf(userIds: readonly string[]): Promise<Map<string, UserVisibility>> {
  const result = new Map<string, UserVisibility>()
  const redis = getRedis()
  if (!redis) {
    for (const userId of userIds) result.set(userId, summarize(local.get(userId)?.values() ?? []))
    return result
  }
  if (userIds.length === 0) return result
  // A hash Redis refuses to read (an error reply) counts as no client; a lost connection fails the call.
  const replies = await Promise.all(userIds.map(userId => redis.hgetall(key(userId)).catch((err: unknown) => {
    if (err instanceof Error && err.name === 'ReplyError') return null
    throw err
  })))
  const now = Date.now()
  userIds.forEach((userId, i) => {
    const fields = replies[i]
    const states = fields ? Object.values(fields).map(raw => parse(raw, now)).filter(s => s !== null) : []
    result.set(userId, summarize(states))
  })
  return result
}
