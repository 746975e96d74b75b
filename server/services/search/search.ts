import { and, desc, eq, gte, inArray, isNull, lt, ne, sql, type SQL } from 'drizzle-orm'
import { hasCjk, hasSearchText, nextSearchDay, partialTerms, type SearchQuery } from '#shared/search-query'
import { SEARCH_TOTAL_CAP, type SearchCursor, type SearchRequest, type SearchResponse } from '#shared/search-schemas'
import { rowsOf, useDb, type Db } from '../../db/client'
import { readFor } from '../../db/read-routing'
import { attachments, conversationParticipants, conversations, messages, profiles } from '../../db/schema'
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

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The content as escaped HTML with every case-insensitive occurrence of `terms` in `<mark>`; long ones cut around the first. */
function markTerms(content: string, terms: string[]): string {
  const flat = content.replace(/[\uE000\uE001]/g, '').replace(/\s+/g, ' ').trim()
  const pattern = new RegExp(terms.map(escapeRegExp).join('|'), 'giu')
  const first = flat.search(pattern)
  let text = flat
  let before = ''
  let afterText = ''
  if (flat.length > WHOLE_CHARS && first >= 0) {
    const start = Math.max(0, first - 60)
    text = flat.slice(start, start + PREVIEW_CHARS)
    before = start > 0 ? '…' : ''
    afterText = start + PREVIEW_CHARS < flat.length ? '…' : ''
  } else if (flat.length > WHOLE_CHARS) {
    return preview(content)
  }
  let out = ''
  let at = 0
  for (const m of text.matchAll(pattern)) {
    if (!m[0]) continue
    out += `${escapeHtml(text.slice(at, m.index))}<mark>${escapeHtml(m[0])}</mark>`
    at = m.index + m[0].length
  }
  return before + out + escapeHtml(text.slice(at)) + afterText
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

/** A pairs index: what it holds for a message, how a text is split into its lexemes, and which messages it covers. */
interface PairsIndex { pairs: SQL, config: 'english' | 'simple', covers: SQL | null }
/** Adjacent words, over the stored english tsvector (the index expression, so the planner takes the index). */
const wordPairs: PairsIndex = { pairs: sql`message_word_pairs(${messages.search})`, config: 'english', covers: null }
/** Adjacent CJK characters. The index holds only messages with CJK text, so the query says that too. */
const cjkPairs: PairsIndex = { pairs: sql`message_word_pairs(${messages.cjk})`, config: 'simple', covers: sql`${messages.cjk} <> ''::tsvector` }

/** A lexeme as tsquery input: quoted, so spaces and operators in it are part of it. */
const quoteLexeme = (lexeme: string) => `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, '\'\'')}'`

/**
 * One pair of adjacent lexemes that every match must have, as `pairs` holds them, or null when
 * the texts have none (one word, or words apart only around stopwords). A message that holds a
 * phrase holds its pairs, so the pairs index narrows the phrase down to the rows with that pair,
 * which the phrase query then checks. One pair, not all: the planner estimates one lexeme well
 * (several, as if independent, far too low) and then also narrows by time.
 */
async function narrowByPair(db: Db, { pairs, config, covers }: PairsIndex, texts: string[]): Promise<SQL | null> {
  if (!texts.length) return null
  const [row] = rowsOf<{ pair: string | null }>(await db.execute(sql`
    select pair from unnest(array[${sql.join(texts.map(t => sql`${t}`), sql`, `)}]::text[]) with ordinality as t(text, n),
      unnest(tsvector_to_array(message_word_pairs(to_tsvector(${config}::regconfig, t.text)))) pair
    order by t.n, char_length(pair) desc, pair limit 1`))
  if (!row?.pair) return null
  const hasPair = sql`${pairs} @@ ${quoteLexeme(row.pair)}::tsquery`
  return covers ? sql`${covers} and ${hasPair}` : hasPair
}

/** CJK text as the `cjk` column holds it: one token per character. */
const cjkSpaced = (term: string) => [...term.replace(/\s+/g, '')].join(' ')
const isCjkTerm = (term: string) => [...term].every(c => hasCjk(c) || /\s/.test(c))

/** `%` and `_` typed by the user are letters, not wildcards. */
const likeInfix = (term: string) => `%${term.replace(/[\\%_]/g, c => `\\${c}`)}%`

/** CJK text as the `cjk` column holds it: one token per character, so a phrase query matches a run of them. */
const cjkPhrase = (term: string) => sql`${messages.cjk} @@ phraseto_tsquery('simple', ${cjkSpaced(term)})`

/**
 * What the text matches beyond whole words: every term as a part of a word (trigram index) or as
 * a run of CJK characters (the `cjk` index), and no excluded term. Null when the query has none.
 */
function partialMatch(q: SearchQuery): SQL | null {
  const partial = partialTerms(q)
  if (!partial) return null
  const parts = [
    ...partial.include.map(t => isCjkTerm(t) ? cjkPhrase(t) : sql`${messages.content} ilike ${likeInfix(t)}`),
    ...partial.exclude.map(t => sql`${messages.content} not ilike ${likeInfix(t)}`)
  ]
  return sql.join(parts, sql` and `)
}

/** Every condition but the text, the access gate and the time window: not deleted, no system lines, then the filters. */
function conditions(actor: Actor, q: SearchQuery, scope: { projectId?: string, conversationId?: string }): SQL[] {
  const where: SQL[] = [
    isNull(messages.deletedAt),
    ne(messages.type, 'system')
  ]
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

/** Results come from at most this many of the newest matches; one more tells that `total` is capped. */
const CANDIDATES = SEARCH_TOTAL_CAP + 1
/** The first window: the newest this many messages of the scope, walked newest first. */
const FIRST_WINDOW = 4_000
/** Walking on beats the text index while the missing matches are expected within this many rows. */
const WALK_ROWS = 12_000
/**
 * The same for parts of words: a short term's trigrams are in a large share of all messages, so
 * the trigram index costs more than walking that many rows with ILIKE.
 */
const PARTIAL_WALK_ROWS = 30_000
/** A later window is sized for this many times the matches still missing, at the density seen so far. */
const WINDOW_MARGIN = 1.5
/** After this many sized windows, the rest of the scope at once. */
const SIZED_WINDOWS = 2
/** Parts of words this long or longer, several at once, are taken as rare (see searchReadable). */
const SPARSE_TERM_CHARS = 5

interface Candidate { id: string, rank: string, createdAt: string, micros: number }

/** Microseconds since the epoch of a timestamp in Postgres' text form (the cursor carries that form). */
function pgMicros(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?([+-])(\d{2})(?::(\d{2}))?(?::(\d{2}))?$/.exec(text)
  if (!m) return 0
  const [, y, mo, d, h, mi, sec, frac = '', sign, oh, om = '0', os = '0'] = m
  const offset = (Number(oh) * 3600 + Number(om) * 60 + Number(os)) * (sign === '-' ? -1 : 1)
  const seconds = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec)) / 1000 - offset
  // Exact as a double: today's epoch microseconds stay below 2^53.
  return seconds * 1_000_000 + Number(frac.padEnd(6, '0'))
}

/** Best first: rank, then newest, then id, as the cursor orders them. */
function compareCandidates(a: { rank: number, micros: number, id: string }, b: { rank: number, micros: number, id: string }): number {
  if (a.rank !== b.rank) return b.rank - a.rank
  if (a.micros !== b.micros) return a.micros > b.micros ? -1 : 1
  return a.id === b.id ? 0 : a.id > b.id ? -1 : 1
}

/** The scope's time line: where its first window starts (null: it has no more messages than that) and how long that window is. */
interface Timeline { first: string | null, newestMs: number, spanMs: number }

/**
 * The newest FIRST_WINDOW messages of the scope as a time span. Later windows are sized in such
 * spans, each for the matches still missing, so a common word stops within the first window or
 * two and a rare one takes the text index over the rest at once.
 */
async function searchTimeline(db: Db, conversationId: string | undefined): Promise<Timeline | null> {
  const scope = conversationId ? eq(messages.conversationId, conversationId) : undefined
  const newest = () => db.select({ at: sql<string>`${messages.createdAt}::text` }).from(messages).where(scope)
    .orderBy(desc(messages.createdAt), desc(messages.id))
  const [[first], [latest]] = await Promise.all([newest().offset(FIRST_WINDOW - 1).limit(1), newest().limit(1)])
  if (!latest) return null
  if (!first) return { first: null, newestMs: 0, spanMs: 0 }
  const newestMs = pgMicros(latest.at) / 1000
  return { first: first.at, newestMs, spanMs: newestMs - pgMicros(first.at) / 1000 }
}

/** A condition the planner cannot take to an index, so a scan stays on the created_at walk it was given. */
const unindexed = (condition: SQL) => sql`(${condition}) is true`

interface CollectPlan {
  match: SQL | null
  /** Implied by `match`, for the text index only: what narrows a window's rows down before `match` checks them. */
  narrow: SQL | null
  where: SQL[]
  rank: SQL
  readable: string[]
  timeline: Timeline
  wanted: number
  /** Walk on rather than take the index while the rest is expected within this many rows. */
  walkRows: number
  /** Expected to be rare: the text index takes the whole scope at once, with no walk and no time windows. */
  sparse?: boolean
}

/**
 * The newest matches of `match` (and `where`) in the caller's `readable` conversations, up to
 * `wanted`. The first window is walked newest first; its density of matches sizes the next
 * window. When the missing matches are expected within `walkRows` rows, the walk goes on and
 * stops as soon as there are enough (a common word); otherwise the text index finds the
 * window's matches, so only the rows that match are fetched (a rare word, a phrase).
 */
async function collect(db: Db, { match, narrow, where, rank, readable, timeline, wanted, walkRows, sparse }: CollectPlan): Promise<Candidate[]> {
  const found: Candidate[] = []
  const inReadable = (column: SQL | typeof messages.conversationId) => sql`${column} in ${readable}`
  const add = (rows: { id: string, rank: string, created_at: string }[]) => {
    for (const r of rows) found.push({ id: r.id, rank: r.rank, createdAt: r.created_at, micros: pgMicros(r.created_at) })
  }
  const within = (from: string | null, to: string | null) => [
    from ? sql`${messages.createdAt} >= ${from}::timestamptz` : undefined,
    to ? sql`${messages.createdAt} < ${to}::timestamptz` : undefined
  ]
  const walk = async (from: string | null, to: string | null) => add(rowsOf(await db.execute(sql`
    select ${messages.id} as id, (${rank})::text as rank, ${messages.createdAt}::text as created_at from ${messages}
    where ${and(...where, match ? unindexed(match) : undefined,
      // One conversation walks its own (conversation_id, created_at) index; several walk created_at.
      readable.length === 1 ? eq(messages.conversationId, readable[0]!) : unindexed(inReadable(messages.conversationId)),
      ...within(from, to))}
    order by ${messages.createdAt} desc, ${messages.id} desc
    limit ${wanted - found.length}`)))
  // Materialized: the window's matches come from the text index (and the time range) alone; only
  // then the caller's conversations, newest first, up to what is missing. The rank is computed for those only.
  const indexed = async (from: string | null, to: string | null) => add(rowsOf(await db.execute(sql`
    with hits as materialized (
      select ${messages.id} as id, ${messages.conversationId} as conversation_id, ${messages.createdAt} as created_at
      from ${messages}
      where ${and(...where, ...(narrow && match
        // The narrowing index alone: also taking the text index would only re-read every row with all the words.
        ? [narrow, unindexed(match)]
        : [match ?? undefined]), ...within(from, to))}
    ), newest as (
      select id, created_at from hits
      where ${inReadable(sql`hits.conversation_id`)}
      order by created_at desc, id desc
      limit ${wanted - found.length}
    )
    select newest.id, (${rank})::text as rank, newest.created_at::text as created_at
    from newest join ${messages} on ${messages.id} = newest.id
    order by newest.created_at desc, newest.id desc`)))

  if (sparse) {
    await indexed(null, null)
    return found
  }
  await walk(timeline.first, null)
  let newer = timeline.first
  // Time covered so far, in first-window spans.
  let spans = 1
  for (let sized = 0; newer !== null && found.length < wanted; sized++) {
    const missing = wanted - found.length
    // Half a match when there was none: the estimate stays finite and reaches far back.
    const seen = Math.max(found.length, 0.5)
    const more = WINDOW_MARGIN * missing * spans / seen
    const start = sized < SIZED_WINDOWS && timeline.spanMs > 0
      ? new Date(timeline.newestMs - timeline.spanMs * (spans + more)).toISOString()
      : null
    if (missing * FIRST_WINDOW * spans / seen <= walkRows) await walk(start, newer)
    else await indexed(start, newer)
    newer = start
    spans += more
  }
  return found
}

/**
 * Search over the messages of the caller's conversations: the newest matches (up to
 * SEARCH_TOTAL_CAP) are found newest first, stopping there, and ranked, best match first (then
 * newest); a filters-only query lists them newest first. Whole words match through full text,
 * parts of words and CJK through their own indexes. Deleted messages never match, and an edited
 * one matches its current text only.
 */
export async function searchMessages(actor: Actor, request: SearchRequest): Promise<SearchResponse> {
  const { q, projectId, conversationId, limit, cursor } = request
  // Access on the primary (who may read what, as of now); the search itself on the read replica when there is one.
  const primary = await useDb()
  if (conversationId) await requireParticipant(primary, actor, conversationId)

  const tsquery = textQuery(q)
  const partial = tsquery ? partialTerms(q) : null
  const rank = tsquery ? sql`ts_rank(${messages.search}, ${tsquery})` : sql`0::real`
  const where = conditions(actor, q, { projectId, conversationId })
  // Through the access gate: a conversation of a project closed to the caller by a ban never matches.
  const readable = conversationId
    ? [conversationId]
    : (await primary.select({ id: conversationParticipants.conversationId }).from(conversationParticipants)
        .where(and(eq(conversationParticipants.userId, actor.id), readableBy(actor.id, conversationParticipants.conversationId)))).map(r => r.id)
  return readFor(actor.id, db => searchReadable(db, { q, limit, cursor, conversationId, tsquery, partial, rank, where, readable }))
}

interface SearchPlan extends Pick<SearchRequest, 'q' | 'limit' | 'cursor' | 'conversationId'> {
  tsquery: SQL | null
  partial: ReturnType<typeof partialTerms> | null
  rank: SQL
  where: SQL[]
  readable: string[]
}

/** The matches among the `readable` conversations, ranked and paged: everything searchMessages does after the access gate. */
async function searchReadable(db: Db, { q, limit, cursor, conversationId, tsquery, partial, rank, where, readable }: SearchPlan): Promise<SearchResponse> {
  const fullText = tsquery ? sql`${messages.search} @@ ${tsquery}` : null
  const [timeline, narrow] = readable.length
    ? await Promise.all([searchTimeline(db, conversationId), fullText ? narrowByPair(db, wordPairs, q.phrases) : null])
    : [null, null]
  const candidates = timeline ? await collect(db, { match: fullText, narrow, where, rank, readable, timeline, wanted: CANDIDATES, walkRows: WALK_ROWS }) : []
  // Parts of words and CJK only while whole words leave room: they would rank after them anyway.
  const more = fullText && timeline && candidates.length < CANDIDATES ? partialMatch(q) : null
  if (fullText && timeline && more) {
    const include = partialTerms(q)?.include ?? []
    const cjkTerms = include.filter(isCjkTerm).map(cjkSpaced)
    const cjkNarrow = await narrowByPair(db, cjkPairs, cjkTerms)
    // Several long terms inside words at once (two of them, or a phrase) are rare together, and the
    // trigram index costs about the same for any window: one index scan over the whole scope, not a
    // walk through the newest rows first and then one scan per window. Short terms stay on the
    // walk: their trigrams are in a large share of all messages, so together they can still be common.
    const latin = include.filter(t => !isCjkTerm(t))
    const sparse = latin.length === include.length && latin.every(t => [...t].length >= SPARSE_TERM_CHARS)
      && (latin.length > 1 || latin.some(t => /\s/.test(t.trim())))
    candidates.push(...await collect(db, { match: sql`not (${fullText}) and ${more}`, narrow: cjkNarrow, where, rank: sql`0::real`, readable, timeline, wanted: CANDIDATES - candidates.length, walkRows: PARTIAL_WALK_ROWS, sparse }))
  }

  const ranked = candidates.map(c => ({ ...c, rankValue: Number(c.rank) }))
    .sort((a, b) => compareCandidates({ rank: a.rankValue, micros: a.micros, id: a.id }, { rank: b.rankValue, micros: b.micros, id: b.id }))
  const after = cursor ? { rank: Number(cursor.rank), micros: pgMicros(cursor.createdAt), id: cursor.id.toLowerCase() } : null
  const page = (after ? ranked.filter(c => compareCandidates(after, { rank: c.rankValue, micros: c.micros, id: c.id }) < 0) : ranked).slice(0, limit + 1)
  const kept = page.slice(0, limit)
  const last = kept.at(-1)
  const nextCursor = page.length > limit && last ? encodeCursor({ rank: last.rank, createdAt: last.createdAt, id: last.id }) : null

  const [loaded, headlines] = await Promise.all([
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
  const n = candidates.length
  return {
    results: kept.flatMap((r) => {
      const message = byId.get(r.id)
      if (!message || message.deletedAt) return [] // deleted between the two reads
      const headline = headlineById.get(r.id)
      // A match on part of a word (or CJK) has nothing for ts_headline to mark: mark the terms here.
      const highlight = headline?.includes(MARK_OPEN)
        ? markHighlight(headline)
        : partial ? markTerms(message.content, partial.include) : preview(message.content)
      return [{ message, highlight }]
    }),
    total: Math.min(n, SEARCH_TOTAL_CAP),
    totalCapped: n > SEARCH_TOTAL_CAP,
    nextCursor
  }
}
