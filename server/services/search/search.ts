import { and, desc, eq, gte, inArray, isNull, lt, ne, sql, type SQL } from 'drizzle-orm'
import { hasSearchText, nextSearchDay, type SearchQuery } from '#shared/search-query'
import { SEARCH_TOTAL_CAP, type SearchCursor, type SearchRequest, type SearchResponse } from '#shared/search-schemas'
import { useDb } from '../../db/client'
import { attachments, conversations, messages, profiles } from '../../db/schema'
import { readableBy, requireParticipant } from '../access'
import { loadMessages } from '../messages/view'
import type { Actor } from '../../domain/actor'

// Private-use characters mark matches inside ts_headline's output. They are stripped from the
// content, which is HTML-escaped before ts_headline sees it (so no text parses as a tag and gets
// dropped), and only they become <mark> tags afterwards.
const MARK_OPEN = '\uE000'
const MARK_CLOSE = '\uE001'
const MARKS = `StartSel="${MARK_OPEN}", StopSel="${MARK_CLOSE}"`
/** Up to this length a message is shown whole; longer ones as fragments around the matches. */
const WHOLE_CHARS = 280
const PREVIEW_CHARS = 200

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\'': '&#39;' })[c]!)

/** ts_headline output over escaped text: anything tag-like left is escaped again, then the markers become `<mark>`. */
function markHighlight(headline: string): string {
  return headline.replace(/[<>"']/g, c => ({ '<': '&lt;', '>': '&gt;', '"': '&quot;', '\'': '&#39;' })[c]!)
    .replaceAll(MARK_OPEN, '<mark>').replaceAll(MARK_CLOSE, '</mark>')
}

/** The message as escaped HTML text for ts_headline, without any marker characters. */
const escapedContent = sql`replace(replace(replace(translate(${messages.content}, ${MARK_OPEN + MARK_CLOSE}, ''), '&', '&amp;'), '<', '&lt;'), '>', '&gt;')`

function preview(content: string): string {
  const flat = content.replace(/[\uE000\uE001]/g, '').replace(/\s+/g, ' ').trim()
  return escapeHtml(flat.length > PREVIEW_CHARS ? `${flat.slice(0, PREVIEW_CHARS)}…` : flat)
}

const encodeCursor = (c: SearchCursor) => Buffer.from(JSON.stringify([c.rank, c.createdAt, c.id])).toString('base64url')

/** The tsquery for the words and phrases, or null for a filters-only query. */
function textQuery(q: SearchQuery): SQL | null {
  if (!hasSearchText(q)) return null
  const parts: SQL[] = []
  if (q.words.length) parts.push(sql`websearch_to_tsquery('english', ${q.words.join(' ')})`)
  for (const phrase of q.phrases) parts.push(sql`phraseto_tsquery('english', ${phrase})`)
  return sql`(${sql.join(parts, sql` && `)})`
}

/** Every condition but the cursor: the caller's conversations, not deleted, no system lines, then the filters. */
function conditions(actor: Actor, q: SearchQuery, tsquery: SQL | null, scope: { projectId?: string, conversationId?: string }): SQL[] {
  const where: SQL[] = [
    isNull(messages.deletedAt),
    ne(messages.type, 'system'),
    // Through the access gate: a conversation of a project closed to the caller by a ban never matches.
    readableBy(actor.id, messages.conversationId)
  ]
  if (tsquery) where.push(sql`${messages.search} @@ ${tsquery}`)
  if (scope.conversationId) where.push(eq(messages.conversationId, scope.conversationId))
  if (scope.projectId) {
    where.push(sql`exists (select 1 from ${conversations} c where c.id = ${messages.conversationId} and c.project_id = ${scope.projectId})`)
  }
  if (q.in.length) {
    where.push(sql`exists (select 1 from ${conversations} c where c.id = ${messages.conversationId}
      and (lower(c.title) in ${q.in} or c.id::text in ${q.in}))`)
  }
  if (q.from.length) {
    const byProfile = sql`${messages.senderId} in (select p.id from ${profiles} p where lower(p.email) in ${q.from}
      or lower(p.display_name) in ${q.from} or split_part(lower(p.email), '@', 1) in ${q.from}
      or replace(lower(p.display_name), ' ', '') in ${q.from})`
    where.push(q.from.includes('me') ? sql`(${messages.senderId} = ${actor.id} or ${byProfile})` : byProfile)
  }
  if (q.hasFile) where.push(sql`exists (select 1 from ${attachments} a where a.message_id = ${messages.id})`)
  if (q.hasImage) where.push(sql`exists (select 1 from ${attachments} a where a.message_id = ${messages.id} and a.mime_type like 'image/%')`)
  if (q.hasLink) where.push(sql`${messages.content} ~* 'https?://'`)
  if (q.isPinned) where.push(sql`${messages.pinnedAt} is not null`)
  if (q.isThread) where.push(sql`(${messages.threadRootId} is not null or ${messages.replyCount} > 0)`)
  if (q.before) where.push(lt(messages.createdAt, new Date(`${q.before}T00:00:00Z`)))
  if (q.after) where.push(gte(messages.createdAt, new Date(`${nextSearchDay(q.after)}T00:00:00Z`)))
  return where
}

/**
 * Full-text search over the messages of the caller's conversations, best match first (then
 * newest); a filters-only query lists newest first. Deleted messages never match, and an edited
 * one matches its current text only.
 */
export async function searchMessages(actor: Actor, request: SearchRequest): Promise<SearchResponse> {
  const { q, projectId, conversationId, limit, cursor } = request
  const after = cursor ?? null
  const db = await useDb()
  if (conversationId) await requireParticipant(db, actor, conversationId)

  const tsquery = textQuery(q)
  const rank = tsquery ? sql`ts_rank(${messages.search}, ${tsquery})` : sql`0::real`
  const where = conditions(actor, q, tsquery, { projectId, conversationId })
  const page = await db.select({ id: messages.id, rank: sql<string>`(${rank})::text`, createdAt: sql<string>`${messages.createdAt}::text` })
    .from(messages)
    .where(and(...where, after
      ? sql`(${rank}, ${messages.createdAt}, ${messages.id}) < (${after.rank}::real, ${after.createdAt}::timestamptz, ${after.id}::uuid)`
      : undefined))
    .orderBy(sql`${rank} desc`, desc(messages.createdAt), desc(messages.id))
    .limit(limit + 1)
  const kept = page.slice(0, limit)
  const last = kept.at(-1)
  const nextCursor = page.length > limit && last ? encodeCursor(last) : null

  const counted = db.select({ one: sql`1` }).from(messages).where(and(...where)).limit(SEARCH_TOTAL_CAP + 1).as('counted')
  const [[count], loaded, headlines] = await Promise.all([
    db.select({ n: sql<number>`count(*)::int` }).from(counted),
    kept.length ? loadMessages(db, inArray(messages.id, kept.map(r => r.id)), [], kept.length) : Promise.resolve([]),
    tsquery && kept.length
      ? db.select({
          id: messages.id,
          headline: sql<string>`ts_headline('english', ${escapedContent}, ${tsquery}, case when char_length(${messages.content}) <= ${WHOLE_CHARS}
            then ${`${MARKS}, HighlightAll=true`} else ${`${MARKS}, MaxWords=20, MinWords=8, MaxFragments=2, FragmentDelimiter=" … "`} end)`
        }).from(messages).where(inArray(messages.id, kept.map(r => r.id)))
      : Promise.resolve([])
  ])
  const byId = new Map(loaded.map(m => [m.id, m]))
  const headlineById = new Map(headlines.map(h => [h.id, h.headline]))
  const n = Number(count?.n ?? 0)
  return {
    results: kept.flatMap((r) => {
      const message = byId.get(r.id)
      if (!message || message.deletedAt) return [] // deleted between the two reads
      const headline = headlineById.get(r.id)
      return [{ message, highlight: headline === undefined ? preview(message.content) : markHighlight(headline) }]
    }),
    total: Math.min(n, SEARCH_TOTAL_CAP),
    totalCapped: n > SEARCH_TOTAL_CAP,
    nextCursor
  }
}
