import { eq } from 'drizzle-orm'
import { useDb } from '../../../db/client'
import { automodRules } from '../../../db/schema'
import { logger } from '../../../infra/logger'
import { compileRule } from './compile'
import type { CompiledRule } from './types'

// A safety net only: a change reaches every instance through the invalidation channel at once;
// this bounds how long a lost notification (Redis down at that moment) could leave a stale rule set.
const MAX_AGE_MS = 60_000

let cached: { rules: CompiledRule[], at: number } | null = null
let loading: Promise<CompiledRule[]> | null = null
/** Bumped on every invalidation, so a load that started before a change never gets stored as current. */
let generation = 0

async function load(): Promise<CompiledRule[]> {
  const db = await useDb()
  const rows = await db.select().from(automodRules).where(eq(automodRules.enabled, true))
  const compiled: CompiledRule[] = []
  for (const row of rows) {
    try {
      compiled.push(compileRule(row))
    } catch (err) {
      // Saved rules were validated; one that no longer compiles must not stop every send.
      logger.warn({ err, ruleId: row.id }, 'automod rule skipped: does not compile')
    }
  }
  return compiled
}

/** The enabled rules, compiled; read from the database only after a change (or the safety-net age). */
export async function enabledRules(): Promise<CompiledRule[]> {
  if (cached && Date.now() - cached.at < MAX_AGE_MS) return cached.rules
  if (!loading) {
    const started = generation
    const pending: Promise<CompiledRule[]> = load().then((rules) => {
      if (started === generation) cached = { rules, at: Date.now() }
      return rules
    }).finally(() => {
      // A load that an invalidation overtook must not clear the newer one's slot.
      if (loading === pending) loading = null
    })
    loading = pending
  }
  return loading
}

/** Drops this instance's copy; the next send reloads. */
export function invalidateRuleCache() {
  generation++
  cached = null
  loading = null
}
