import { and, eq } from 'drizzle-orm'
import type { PresenceChangePayload } from '#shared/events'
import { useDb } from '../../db/client'
import { conversationParticipants, conversations } from '../../db/schema'
import { conversationRoom, getRealtimeServer } from '../../infra/realtime'
import { notProjectBanned } from '../access'
import { recordLastSeen } from './last-seen'
import { getPresenceTiming } from './presence-timing'
import { liveSockets } from './presence-sockets'
import { isOwnSocket, ownSocketBeats, shownStatus } from './presence'

/** Heartbeats handled per sweep; a longer backlog waits for the next one. */
const SWEEP_BATCH = 500

/** Tells everyone sharing a conversation with the user (the rooms a socket of theirs would be in), once each. */
export async function announceToSharers(change: PresenceChangePayload): Promise<void> {
  const io = getRealtimeServer()
  if (!io) return
  const db = await useDb()
  const rooms = await db.select({ id: conversationParticipants.conversationId }).from(conversationParticipants)
    .innerJoin(conversations, eq(conversations.id, conversationParticipants.conversationId))
    .where(and(eq(conversationParticipants.userId, change.userId), notProjectBanned(change.userId, conversations.projectId)))
  if (rooms.length) io.to(rooms.map(r => conversationRoom(r.id))).emit('presence:change', change)
}

/**
 * Heartbeats renewed per round trip. One pipeline for all of an instance's sockets kept every
 * command (arguments, encoded buffer, promise) alive until the last reply: at 10,000 sockets ~30 MB
 * that outlived the young generation every renewal and stayed in RSS until the next full GC.
 */
const RENEW_BATCH = 500

/**
 * Renews the heartbeats of this instance's sockets. A user whose heartbeats had all run out (this
 * instance stalled past the TTL and a sweep took them offline) is announced again.
 */
export async function renewOwnHeartbeats(): Promise<void> {
  const now = Date.now()
  const { ttlMs } = getPresenceTiming()
  const beats = ownSocketBeats()
  const revived = new Set<string>()
  for (let i = 0; i < beats.length; i += RENEW_BATCH) {
    // Only sockets still open: one closed while an earlier batch was out has had its heartbeat
    // dropped, and renewing it now would show its user online until the TTL runs out.
    const batch = beats.slice(i, i + RENEW_BATCH).filter(b => isOwnSocket(b.socketId))
    for (const userId of await liveSockets().beat(batch, ttlMs, now)) revived.add(userId)
  }
  for (const userId of revived) {
    await announceToSharers({ userId, status: await shownStatus(userId), lastSeenAt: new Date(now).toISOString() })
  }
}

/**
 * Removes heartbeats that ran out, whichever instance they came from (one that died stops renewing
 * its own), and announces "offline" for users left with no live socket, last seen at their last
 * heartbeat. Safe on every instance at once: each user's going offline is reported to one sweeper only.
 * Returns how many users went offline.
 */
export async function sweepExpiredHeartbeats(): Promise<number> {
  const now = Date.now()
  let offline = 0
  for (const beat of await liveSockets().expired(now, SWEEP_BATCH)) {
    // Ours is still open: renewing it (next tick) is the fix, not taking its user offline.
    if (isOwnSocket(beat.socketId)) continue
    if (!(await liveSockets().drop(beat, beat.expiresAt - beat.lastBeatAt, now))) continue
    const lastSeenAt = await recordLastSeen(beat.userId, new Date(Math.min(now, beat.lastBeatAt)))
    await announceToSharers({ userId: beat.userId, status: 'offline', lastSeenAt: lastSeenAt.toISOString() })
    offline++
  }
  return offline
}
