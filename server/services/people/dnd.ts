import { and, eq, gt, isNotNull } from 'drizzle-orm'
import type { PresenceChangePayload } from '#shared/events'
import { useDb } from '../../db/client'
import { conversationParticipants, profiles } from '../../db/schema'
import { logger } from '../../infra/logger'
import { publishToConversation } from '../../infra/realtime'
import { dropChosenDnd, isConnected, mirrorDndUntil, shownStatus } from './presence'

// Do Not Disturb has two doors that must agree: the status a member picks (presence:update "dnd",
// until they pick another) and a timer (PATCH /api/me { dndUntil }). Either holds back notifications
// (notifications.ts) and shows "dnd" to others (presence.ts); turning one off turns both off.

/** setTimeout's ceiling (about 24.8 days): a later end is re-armed when it comes closer. */
const MAX_TIMER_MS = 2 ** 31 - 1
const lapseTimers = new Map<string, ReturnType<typeof setTimeout>>()

/** Everyone sharing a conversation with the user sees their status now. */
async function announceStatus(userId: string): Promise<void> {
  if (!(await isConnected(userId))) return
  const change: PresenceChangePayload = { userId, status: await shownStatus(userId), lastSeenAt: new Date().toISOString() }
  const db = await useDb()
  const rooms = await db.select({ id: conversationParticipants.conversationId }).from(conversationParticipants).where(eq(conversationParticipants.userId, userId))
  for (const { id } of rooms) publishToConversation(id, 'presence:change', change)
}

/**
 * Announces the end of a timed Do Not Disturb when it lapses, from this instance. An instance that stops
 * first loses the announcement, not the rule: presence reads compare the end with the clock.
 */
function armLapse(userId: string, until: Date | null) {
  clearTimeout(lapseTimers.get(userId))
  lapseTimers.delete(userId)
  if (!until) return
  const ms = until.getTime() - Date.now()
  if (ms <= 0) return
  const timer = setTimeout(() => {
    lapseTimers.delete(userId)
    if (ms > MAX_TIMER_MS) return armLapse(userId, until)
    announceStatus(userId).catch((err: unknown) => logger.warn({ err, userId }, 'could not announce the end of do not disturb'))
  }, Math.min(ms, MAX_TIMER_MS))
  timer.unref?.()
  lapseTimers.set(userId, timer)
}

/**
 * After `profiles.dnd_until` changed: mirror it for presence, end a chosen "dnd" when it was cleared,
 * tell others the status they now see, and arm the lapse.
 */
export async function applyDndUntil(userId: string, until: Date | null): Promise<void> {
  const before = await shownStatus(userId)
  await mirrorDndUntil(userId, until)
  if (!until) await dropChosenDnd(userId)
  armLapse(userId, until)
  if (await shownStatus(userId) !== before) await announceStatus(userId)
}

/** The status menu picked something other than "dnd": a timed Do Not Disturb ends with it. */
export async function endTimedDnd(userId: string): Promise<void> {
  const db = await useDb()
  const cleared = await db.update(profiles).set({ dndUntil: null, updatedAt: new Date() })
    .where(and(eq(profiles.id, userId), isNotNull(profiles.dndUntil))).returning({ id: profiles.id })
  if (cleared.length === 0) return
  await mirrorDndUntil(userId, null)
  armLapse(userId, null)
}

/** Reads the stored timer into presence as a connection opens (the memory mirror does not outlive a restart). */
export async function loadDndMirror(userId: string): Promise<void> {
  const db = await useDb()
  const [row] = await db.select({ dndUntil: profiles.dndUntil }).from(profiles).where(and(eq(profiles.id, userId), gt(profiles.dndUntil, new Date())))
  await mirrorDndUntil(userId, row?.dndUntil ?? null)
  if (row?.dndUntil && !lapseTimers.has(userId)) armLapse(userId, row.dndUntil)
}
