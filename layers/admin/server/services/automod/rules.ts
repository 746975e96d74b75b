import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm'
import type { z } from 'zod'
import {
  automodRuleInputSchema, type automodDryRunSchema, type automodRulePatchSchema, type AutomodDryRunMatch, type AutomodRule,
  type AutomodRuleInput
} from '#shared/automod-schemas'
import {
  announceRuleChange, AppError, assertAdmin, automodRules, compileRule, conversations, loadMessages, messages,
  projects, recordAudit, useDb, type Actor, type DbOrTx, type MatchInput, type RecentPost
} from '~~/server/admin-surface'

type RuleRow = typeof automodRules.$inferSelect

const toRule = (row: RuleRow, projectName: string | null): AutomodRule => ({
  id: row.id,
  name: row.name,
  kind: row.kind,
  pattern: row.pattern,
  config: row.config,
  action: row.action,
  projectId: row.projectId,
  projectName,
  enabled: row.enabled,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
  updatedBy: row.updatedBy
})

/** The stored fields an audit entry shows before and after a change. */
const auditView = (row: RuleRow) => ({
  name: row.name, kind: row.kind, pattern: row.pattern, config: row.config, action: row.action, projectId: row.projectId, enabled: row.enabled
})

async function projectName(db: DbOrTx, projectId: string | null): Promise<string | null> {
  if (!projectId) return null
  const [project] = await db.select({ name: projects.name }).from(projects).where(eq(projects.id, projectId))
  if (!project) throw new AppError('VALIDATION', 'projectId: project not found', { fields: [{ field: 'projectId', message: 'not found' }] })
  return project.name
}

export async function listAutomodRules(actor: Actor): Promise<AutomodRule[]> {
  assertAdmin(actor)
  const db = await useDb()
  const rows = await db.select({ rule: automodRules, projectName: projects.name }).from(automodRules)
    .leftJoin(projects, eq(projects.id, automodRules.projectId))
    .orderBy(desc(automodRules.createdAt))
  return rows.map(r => toRule(r.rule, r.projectName))
}

export async function createAutomodRule(actor: Actor, rule: AutomodRuleInput): Promise<AutomodRule> {
  assertAdmin(actor)
  const db = await useDb()
  const created = await db.transaction(async (tx) => {
    const name = await projectName(tx, rule.projectId ?? null)
    const [row] = await tx.insert(automodRules).values({
      name: rule.name, kind: rule.kind, pattern: rule.kind === 'regex' ? rule.pattern! : null, config: rule.config,
      action: rule.action, projectId: rule.projectId ?? null, enabled: rule.enabled, createdBy: actor.id, updatedBy: actor.id
    }).returning()
    await recordAudit(tx, actor, 'automod.rule.create', { type: 'automod_rule', id: row!.id }, { after: auditView(row!) })
    return toRule(row!, name)
  })
  await announceRuleChange()
  return created
}

export async function updateAutomodRule(actor: Actor, id: string, patch: z.output<typeof automodRulePatchSchema>): Promise<AutomodRule> {
  assertAdmin(actor)
  const db = await useDb()
  const updated = await db.transaction(async (tx) => {
    const [current] = await tx.select().from(automodRules).where(eq(automodRules.id, id)).for('update')
    if (!current) throw new AppError('NOT_FOUND', 'rule not found')
    // The merged rule must still be a whole, valid rule (a kind change needs that kind's fields): this is
    // the one check only the stored row can answer, so it parses here; a failure is VALIDATION (toErrorBody).
    const merged = automodRuleInputSchema.parse({
      name: patch.name ?? current.name,
      kind: patch.kind ?? current.kind,
      pattern: patch.pattern === undefined ? current.pattern : patch.pattern,
      config: patch.config ?? current.config,
      action: patch.action ?? current.action,
      projectId: patch.projectId === undefined ? current.projectId : patch.projectId,
      enabled: patch.enabled ?? current.enabled
    })
    const name = await projectName(tx, merged.projectId ?? null)
    const [row] = await tx.update(automodRules).set({
      name: merged.name, kind: merged.kind, pattern: merged.kind === 'regex' ? merged.pattern! : null, config: merged.config,
      action: merged.action, projectId: merged.projectId ?? null, enabled: merged.enabled, updatedBy: actor.id, updatedAt: sql`now()`
    }).where(eq(automodRules.id, id)).returning()
    await recordAudit(tx, actor, 'automod.rule.update', { type: 'automod_rule', id }, { before: auditView(current), after: auditView(row!) })
    return toRule(row!, name)
  })
  await announceRuleChange()
  return updated
}

export async function deleteAutomodRule(actor: Actor, id: string): Promise<AutomodRule> {
  assertAdmin(actor)
  const db = await useDb()
  const deleted = await db.transaction(async (tx) => {
    const [row] = await tx.delete(automodRules).where(eq(automodRules.id, id)).returning()
    if (!row) throw new AppError('NOT_FOUND', 'rule not found')
    await recordAudit(tx, actor, 'automod.rule.delete', { type: 'automod_rule', id }, { before: auditView(row) })
    return toRule(row, null)
  })
  await announceRuleChange()
  return deleted
}

/**
 * What an unsaved rule would have done to the project's recent messages (all projects when the rule
 * and the request name none). Read-only: nothing is stored, nobody is muted or notified.
 * Flood is replayed per sender per conversation in the order the messages were sent.
 */
export async function dryRunAutomodRule(actor: Actor, { rule, projectId: askedProject, limit }: z.output<typeof automodDryRunSchema>): Promise<AutomodDryRunMatch[]> {
  assertAdmin(actor)
  const projectId = askedProject ?? rule.projectId ?? null
  const compiled = compileRule({ ...rule, id: null })
  const db = await useDb()
  const recent = await loadMessages(db,
    and(isNull(messages.deletedAt), projectId
      ? inArray(messages.conversationId, db.select({ id: conversations.id }).from(conversations).where(eq(conversations.projectId, projectId)))
      : undefined),
    [desc(messages.createdAt), desc(messages.id)], limit)

  const earlier = new Map<string, RecentPost[]>()
  const matches: AutomodDryRunMatch[] = []
  for (const message of [...recent].reverse()) {
    const key = `${message.senderId}:${message.conversationId}`
    const posts = earlier.get(key) ?? []
    const at = new Date(message.createdAt).getTime()
    const matchInput: MatchInput = { content: message.content, mentionCount: message.mentions?.length ?? 0, recent: posts, now: at }
    const matched = compiled.match(matchInput)
    if (matched) matches.push({ message, outcome: rule.action, matched })
    // A blocked or muting rule would have kept that message out, so it does not count towards a later flood.
    if (!matched || rule.action === 'flag') posts.push({ content: message.content, at })
    earlier.set(key, posts)
  }
  return matches.reverse()
}
