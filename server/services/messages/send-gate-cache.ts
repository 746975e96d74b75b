import { accessFeedLive, onAccessChange, type AccessChange } from '../../db/access-changes'
import type { Membership, Silencing } from '../access'

// Each member's send gate (their place in the conversation and the sanction silencing them there),
// kept in memory while the database's access feed is live and dropped on every change it
// announces, so a busy member's sends skip that query. What a send must never get past (membership,
// bans, mutes) is checked again by the plain-message insert itself; this only spares the query.

export interface CachedGate {
  membership: Membership
  silenced: Silencing | null
}

/** Entries kept at most; past it the map starts over (the next send of each member reads again). */
const MAX_ENTRIES = 50_000
/** An entry is read again after this long, whatever the feed says. */
const MAX_AGE_MS = 60_000

interface Entry extends CachedGate { storedAt: number }

const entries = new Map<string, Entry>()
const keysByUser = new Map<string, Set<string>>()
const keysByConversation = new Map<string, Set<string>>()
let generation = 0

const keyOf = (userId: string, conversationId: string) => `${conversationId}:${userId}`

function index(map: Map<string, Set<string>>, id: string, key: string) {
  const keys = map.get(id)
  if (keys) keys.add(key)
  else map.set(id, new Set([key]))
}

function dropKeys(keys: Set<string> | undefined) {
  for (const key of keys ?? []) entries.delete(key)
}

function forgetEverything() {
  entries.clear()
  keysByUser.clear()
  keysByConversation.clear()
}

function apply(change: AccessChange) {
  generation++
  if (change.kind === 'all') return forgetEverything()
  if (change.kind === 'participant') return void entries.delete(keyOf(change.userId, change.conversationId))
  if (change.kind === 'conversation') {
    dropKeys(keysByConversation.get(change.conversationId))
    keysByConversation.delete(change.conversationId)
    return
  }
  dropKeys(keysByUser.get(change.userId))
  keysByUser.delete(change.userId)
}

let subscribed = false
function subscribe() {
  if (subscribed) return
  subscribed = true
  onAccessChange(apply)
}

/** The sanction still in force of a cached one: a mute whose end has passed silences no more. */
function inForce(silenced: Silencing | null, now: number): Silencing | null {
  return silenced?.until && silenced.until.getTime() <= now ? null : silenced
}

/** A member's gate from memory, or undefined when it must be read. */
export function cachedGate(userId: string, conversationId: string): CachedGate | undefined {
  subscribe()
  const now = Date.now()
  if (!accessFeedLive(now)) return undefined
  const key = keyOf(userId, conversationId)
  const entry = entries.get(key)
  if (!entry) return undefined
  if (now - entry.storedAt > MAX_AGE_MS) {
    entries.delete(key)
    return undefined
  }
  return { membership: entry.membership, silenced: inForce(entry.silenced, now) }
}

/** Where the feed stands before a gate is read: pass it to {@link storeGate}. */
export function gateGeneration(): number {
  subscribe()
  return generation
}

/** Keeps a gate read from the database, unless an access change arrived while it was being read. */
export function storeGate(readAt: number, userId: string, conversationId: string, gate: CachedGate): void {
  if (readAt !== generation || !accessFeedLive()) return
  if (entries.size >= MAX_ENTRIES) forgetEverything()
  const key = keyOf(userId, conversationId)
  entries.set(key, { ...gate, storedAt: Date.now() })
  index(keysByUser, userId, key)
  index(keysByConversation, conversationId, key)
}

/** Forgets one member's gate (their send was refused by the insert's own checks). */
export function forgetGate(userId: string, conversationId: string): void {
  entries.delete(keyOf(userId, conversationId))
}
