import type { RetentionRunResult } from '#admin-shared/retention-schemas'
import { systemActor, type Actor } from '~~/server/admin-surface'
import { applyAllPolicies, runProjectRetention } from './apply'
import { purgeExpiredRetention } from './purge'

/** The scheduled pass: every policy applied, then everything past the restore window purged. */
export async function runScheduledRetention(now = new Date()): Promise<RetentionRunResult> {
  const applied = await applyAllPolicies(now)
  const purged = await purgeExpiredRetention(systemActor('retention'), { now })
  return { ...applied, purgedMessages: purged.messages, purgedFiles: purged.files }
}

/** The same for one project, started by an admin (audited as them). */
export async function runProjectRetentionNow(actor: Actor, projectId: string, now = new Date()): Promise<RetentionRunResult> {
  const applied = await runProjectRetention(actor, projectId, now)
  const purged = await purgeExpiredRetention(actor, { projectId, now })
  return { ...applied, purgedMessages: purged.messages, purgedFiles: purged.files }
}
