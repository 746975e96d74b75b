import { useDb } from '../../../db/client'
import { reports } from '../../../db/schema'
import type { ContentFlag } from '../posting-policy'

/** Queues a stored message for review: one automod report per rule that flagged it. */
export async function recordContentFlags(messageId: string, flags: readonly ContentFlag[]): Promise<void> {
  if (!flags.length) return
  const db = await useDb()
  await db.insert(reports).values(flags.map(f => ({
    messageId,
    reporterId: null,
    source: 'automod' as const,
    ruleId: f.ruleId,
    reason: 'automod',
    description: `Flagged by the rule "${f.rule}" (${f.kind}): ${f.matched}`.slice(0, 1000)
  })))
}
