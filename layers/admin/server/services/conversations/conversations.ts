import { and, count, eq, inArray, sql, type SQL } from 'drizzle-orm'
import type {
  AdminConversation, AdminConversationSort, AdminConversationsQuery, AdminProject, AdminUpdateConversationInput
} from '#admin-shared/admin-schemas'
import {
  announceConversationChanges, AppError, applyConversationChanges, assertAdmin, conversations, projects, recordAudit,
  shownConversationTitle, useDb, type Actor, type DbOrTx
} from '~~/server/admin-surface'

/** Services check the role themselves too, so a future caller that forgets requireAdmin still fails closed. */
/** Escapes LIKE wildcards so a search for "50%" matches the literal text. */
export const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, '\\$&')}%`

const c = conversations
const participantCount = sql<number>`(select count(*) from conversation_participants cp where cp.conversation_id = ${c.id})`.mapWith(Number)
// lastSeq also counts edits and reactions, so the visible message count is its own figure.
const messageCount = sql<number>`(select count(*) from messages m where m.conversation_id = ${c.id} and m.deleted_at is null)`.mapWith(Number)
const title = shownConversationTitle()

/** What each sort key orders by; the shown title (DM names included) is what "title" sorts. */
const SORT_KEYS: Record<AdminConversationSort, SQL> = {
  lastActivity: sql`${c.lastMessageAt}`,
  created: sql`${c.createdAt}`,
  title: sql`lower(${title})`,
  messages: sql`${messageCount}`,
  participants: sql`${participantCount}`
}

/** Never-active conversations go last either way; ties fall back to newest first, then id, so pages never overlap. */
function orderOf(sort: AdminConversationSort, order: 'asc' | 'desc'): SQL[] {
  const key = SORT_KEYS[sort]
  return [order === 'asc' ? sql`${key} asc nulls last` : sql`${key} desc nulls last`, sql`${c.createdAt} desc`, sql`${c.id}`]
}

/**
 * One page in two steps: the ids in order first (only the sort key is computed, and only what the
 * sort needs), then the display columns for those rows alone. Postgres evaluates a select list for
 * every row an OFFSET skips, so counting messages in the same query made later pages slow.
 */
async function loadAdminConversations(db: DbOrTx, where: SQL | undefined, page: { limit: number, offset: number, sort?: AdminConversationSort, order?: 'asc' | 'desc' }): Promise<AdminConversation[]> {
  const ordered = await db.select({ id: c.id }).from(c)
    .where(where)
    .orderBy(...orderOf(page.sort ?? 'lastActivity', page.order ?? 'desc'))
    .limit(page.limit)
    .offset(page.offset)
  if (!ordered.length) return []
  const position = new Map(ordered.map((r, i) => [r.id, i]))
  const found = await db.select({ c, projectName: projects.name, participantCount, messageCount, title })
    .from(c)
    .innerJoin(projects, eq(projects.id, c.projectId))
    .where(inArray(c.id, ordered.map(r => r.id)))
  const rows = found.sort((a, b) => position.get(a.c.id)! - position.get(b.c.id)!)
  return rows.map(r => ({
    id: r.c.id,
    projectId: r.c.projectId,
    projectName: r.projectName,
    type: r.c.type,
    title: r.title,
    status: r.c.status,
    lastSeq: r.c.lastSeq,
    lastMessageAt: r.c.lastMessageAt?.toISOString() ?? null,
    participantCount: r.participantCount,
    messageCount: r.messageCount,
    settings: { slowModeSeconds: r.c.settings?.slowModeSeconds ?? 0, membersCanPin: r.c.settings?.membersCanPin === true },
    createdAt: r.c.createdAt.toISOString()
  }))
}

/** Every conversation on the server, filtered and paged, whether or not the admin takes part in it. */
export async function adminListConversations(actor: Actor, query: AdminConversationsQuery): Promise<{ conversations: AdminConversation[], total: number }> {
  assertAdmin(actor)
  const db = await useDb()
  const filters: SQL[] = []
  if (query.projectId) filters.push(eq(c.projectId, query.projectId))
  if (query.status) filters.push(eq(c.status, query.status))
  if (query.type) filters.push(eq(c.type, query.type))
  if (query.userId) {
    filters.push(sql`exists (select 1 from conversation_participants cp where cp.conversation_id = ${c.id} and cp.user_id = ${query.userId})`)
  }
  if (query.q) {
    const pattern = likePattern(query.q)
    // Direct messages are shown by their participants' names, so the search matches those names too.
    filters.push(sql`(${c.title} ilike ${pattern} or (${c.type} = 'direct' and exists (select 1 from conversation_participants cp
      join profiles pr on pr.id = cp.user_id where cp.conversation_id = ${c.id} and pr.display_name ilike ${pattern})))`)
  }
  const where = filters.length ? and(...filters) : undefined
  const [list, [totals]] = await Promise.all([
    loadAdminConversations(db, where, query),
    db.select({ total: count() }).from(c).where(where)
  ])
  return { conversations: list, total: totals?.total ?? 0 }
}

/** One conversation in the admin view, or NOT_FOUND. */
export async function adminGetConversation(actor: Actor, conversationId: string): Promise<AdminConversation> {
  assertAdmin(actor)
  const db = await useDb()
  const [conversation] = await loadAdminConversations(db, eq(conversations.id, conversationId), { limit: 1, offset: 0 })
  if (!conversation) throw new AppError('NOT_FOUND', 'conversation not found')
  return conversation
}

/** Every project, for the admin's project filter (members only see their own through /api/projects). */
export async function adminListProjects(actor: Actor): Promise<AdminProject[]> {
  assertAdmin(actor)
  const db = await useDb()
  return db.select({ id: projects.id, name: projects.name }).from(projects).orderBy(projects.name, projects.id)
}

/**
 * Locks, archives or reopens a conversation, sets slow mode, renames it or sets pin rights, with
 * the audit entry in the same transaction. Participants see it at once: a system line in the
 * timeline and `conversation:updated` (their own view) on every instance.
 */
export async function adminUpdateConversation(actor: Actor, conversationId: string, changes: AdminUpdateConversationInput): Promise<AdminConversation> {
  assertAdmin(actor)
  const db = await useDb()
  const notices = await db.transaction(async (tx) => {
    // Row lock: two admins changing settings at once must not lose each other's change.
    const [conversation] = await tx.select().from(conversations).where(eq(conversations.id, conversationId)).for('update')
    if (!conversation) throw new AppError('NOT_FOUND', 'conversation not found')
    if (changes.title !== undefined && conversation.type === 'direct') {
      throw new AppError('VALIDATION', 'title: direct messages are named after their participants', { fields: [{ field: 'title', message: 'a direct conversation has no title to change' }] })
    }
    const { before, after, notices } = await applyConversationChanges(tx, actor, conversation, changes, 'An admin')
    if (notices.length) await recordAudit(tx, actor, 'conversation.update', { type: 'conversation', id: conversationId }, { before, after })
    return notices
  })
  await announceConversationChanges(db, conversationId, notices)
  return adminGetConversation(actor, conversationId)
}
