import { eq, min, sql } from 'drizzle-orm'
import { useDb } from '../../../db/client'
import { pendingEmailNotifications as pending } from '../../../db/schema'
import { lazy } from '../../../infra/lazy'
import { missedActivityTiming } from './settings'

/** What a missed-activity job carries; `attempt` counts retries after a failed send. */
export interface MissedActivityJob { userId: string, attempt: number }

/** Adds a job (a job id already waiting is not added twice); set by the email plugin at startup. */
export type ScheduleMissedActivityJob = (jobId: string, job: MissedActivityJob, runAt: Date) => Promise<void>
const jobQueue = lazy<ScheduleMissedActivityJob | null>('missed-activity-queue', () => null)
/** The email plugin registers the queue at startup (null again at shutdown). */
export const setMissedActivityQueue = (next: ScheduleMissedActivityJob | null) => jobQueue.set(next)

const RETRY_BASE_MS = 30_000

/**
 * Makes sure a batch job waits for the user's oldest pending notification. The job id names that
 * notification's time, so a burst of notifications (on any instance) adds one job, and the next
 * batch — once these rows are gone — gets an id of its own. The job runs once the oldest is
 * EMAIL_NOTIFY_DELAY_SECONDS old plus a short gathering window, so the burst fits in one email.
 * A retry after a failed send (`attempt` > 0) gets its own id and waits longer each time.
 */
export async function scheduleMissedActivity(userId: string, attempt = 0): Promise<void> {
  const schedule = jobQueue()
  if (!schedule) throw new Error('the missed-activity email queue is not running')
  const db = await useDb()
  // The database's clock decides what is due (claimDue), so the wait is measured on it too.
  const [row] = await db.select({ oldest: min(pending.createdAt), now: sql<string>`now()` }).from(pending).where(eq(pending.userId, userId))
  if (!row?.oldest) return
  const { delayMs, gatherMs } = missedActivityTiming()
  const oldest = new Date(row.oldest).getTime()
  const wait = attempt > 0 ? RETRY_BASE_MS * 2 ** (attempt - 1) : oldest + delayMs + gatherMs - new Date(row.now).getTime()
  const runAt = new Date(Date.now() + wait)
  await schedule(`${userId}_${oldest}${attempt > 0 ? `_retry${attempt}` : ''}`, { userId, attempt }, runAt)
}
