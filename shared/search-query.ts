import { DATE_RANGE_MESSAGE, isInDateRange } from './dates'

/** A search box query taken apart: free text for full-text search plus the filters beside it. */
export interface SearchQuery {
  /** Remaining words, as typed (websearch syntax: `-word` excludes, `or` alternates). */
  words: string[]
  /** Quoted phrases, matched as adjacent words. */
  phrases: string[]
  /** `from:` values (email, display name, @handle or `me`), lower-cased, without a leading `@`; any of them matches. */
  from: string[]
  /** `in:` values (conversation title or id), lower-cased, without a leading `#`; any of them matches. */
  in: string[]
  hasFile: boolean
  /** `has:image`: an image attachment. */
  hasImage: boolean
  /** `has:link`: a web link in the text. */
  hasLink: boolean
  /** `is:pinned` */
  isPinned: boolean
  /** `is:thread`: a thread reply or a thread root. */
  isThread: boolean
  /** `before:YYYY-MM-DD`: strictly before that day (UTC); the earliest wins when repeated. */
  before: string | null
  /** `after:YYYY-MM-DD`: strictly after that day (UTC); the latest wins when repeated. */
  after: string | null
}

export type SearchQueryParse = { ok: true, query: SearchQuery } | { ok: false, error: string }

const FILTER = /^(from|in|has|is|before|after):/i
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** True for a real calendar day written YYYY-MM-DD. */
export function isSearchDate(value: string): boolean {
  const m = DATE.exec(value)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(y, mo - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
}

/** The day after a YYYY-MM-DD day, in the same form. */
export function nextSearchDay(value: string): string {
  const date = new Date(`${value}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() + 1)
  return date.toISOString().slice(0, 10)
}

/** Reads a token or a quoted run starting at `i`; returns the text and where it ended. */
function readValue(input: string, i: number): { value: string, end: number, quoted: boolean } {
  if (input[i] === '"') {
    const close = input.indexOf('"', i + 1)
    const end = close === -1 ? input.length : close
    return { value: input.slice(i + 1, end), end: close === -1 ? end : end + 1, quoted: true }
  }
  let end = i
  while (end < input.length && !/\s/.test(input[end]!) && input[end] !== '"') end++
  return { value: input.slice(i, end), end, quoted: false }
}

const squash = (s: string) => s.trim().replace(/\s+/g, ' ')

/**
 * Parses `from:` `in:` `has:file|image|link` `is:pinned|thread` `before:` `after:` filters, "quoted phrases" and words.
 * Filter values may be quoted (`in:"release planning"`). Never throws; a bad query gives `{ ok: false }`.
 */
export function parseSearchQuery(input: string): SearchQueryParse {
  const query: SearchQuery = { words: [], phrases: [], from: [], in: [], hasFile: false, hasImage: false, hasLink: false, isPinned: false, isThread: false, before: null, after: null }
  let i = 0
  while (i < input.length) {
    if (/\s/.test(input[i]!)) {
      i++
      continue
    }
    const filter = FILTER.exec(input.slice(i))
    if (filter) {
      const key = filter[1]!.toLowerCase()
      const read = readValue(input, i + filter[0].length)
      i = read.end
      const value = squash(read.value)
      if (!value) return { ok: false, error: `${key}: needs a value` }
      switch (key) {
        case 'from':
          query.from.push(value.replace(/^@/, '').toLowerCase())
          break
        case 'in':
          query.in.push(value.replace(/^#/, '').toLowerCase())
          break
        case 'has': {
          const what = value.toLowerCase()
          if (what === 'file') query.hasFile = true
          else if (what === 'image') query.hasImage = true
          else if (what === 'link') query.hasLink = true
          else return { ok: false, error: `has:${value} is not supported (use has:file, has:image or has:link)` }
          break
        }
        case 'is': {
          const what = value.toLowerCase()
          if (what === 'pinned') query.isPinned = true
          else if (what === 'thread') query.isThread = true
          else return { ok: false, error: `is:${value} is not supported (use is:pinned or is:thread)` }
          break
        }
        case 'before':
        case 'after':
          if (!isSearchDate(value)) return { ok: false, error: `${key}: expects a date as YYYY-MM-DD, got "${value}"` }
          if (!isInDateRange(value)) return { ok: false, error: `${key}: ${DATE_RANGE_MESSAGE}, got "${value}"` }
          if (key === 'before' && (query.before === null || value < query.before)) query.before = value
          if (key === 'after' && (query.after === null || value > query.after)) query.after = value
          break
      }
      continue
    }
    const read = readValue(input, i)
    i = read.end
    const value = squash(read.value)
    if (!value) continue
    if (read.quoted) query.phrases.push(value)
    else query.words.push(value)
  }
  const hasFilter = query.from.length > 0 || query.in.length > 0 || query.hasFile || query.hasImage || query.hasLink
    || query.isPinned || query.isThread || query.before !== null || query.after !== null
  if (!hasFilter && query.words.length === 0 && query.phrases.length === 0) return { ok: false, error: 'nothing to search for' }
  return { ok: true, query }
}

/** True when the query has words or phrases to match, not only filters. */
export const hasSearchText = (q: SearchQuery) => q.words.length > 0 || q.phrases.length > 0

/** Kana, CJK ideographs and Hangul: text without spaces between words, searched by runs of characters. */
const CJK_RANGES: [number, number][] = [[0x1100, 0x11FF], [0x3040, 0x30FF], [0x3130, 0x318F], [0x3400, 0x4DBF], [0x4E00, 0x9FFF], [0xAC00, 0xD7AF], [0xF900, 0xFAFF], [0xFF66, 0xFF9F]]
const hex4 = (n: number) => n.toString(16).padStart(4, '0')
/** The same ranges as the inside of a Postgres regular expression bracket (`\uXXXX-\uXXXX…`). */
export const CJK_SQL_CLASS = CJK_RANGES.map(([a, b]) => `\\u${hex4(a)}-\\u${hex4(b)}`).join('')
const CJK = new RegExp(`[${CJK_RANGES.map(([a, b]) => `\\u{${hex4(a)}}-\\u{${hex4(b)}}`).join('')}]`, 'u')
/** True when the text has CJK characters. */
export const hasCjk = (text: string) => CJK.test(text)
/** Shorter Latin terms would match inside too many unrelated words to be worth it. */
export const PARTIAL_MIN_CHARS = 3

/**
 * The substrings a message must (`include`) and must not (`exclude`) contain to match the words
 * and phrases as parts of words ("deploy" in "redeployment") or as CJK text, which the english
 * full-text parser does not split into words. Null when the query cannot be read that way: no
 * text, an `or`, or a Latin term shorter than three characters (CJK terms count from one).
 */
export function partialTerms(q: SearchQuery): { include: string[], exclude: string[] } | null {
  const include: string[] = []
  const exclude: string[] = []
  for (const word of q.words) {
    if (word.toLowerCase() === 'or') return null
    const negated = word.startsWith('-') && word.length > 1
    const term = negated ? word.slice(1) : word
    if (!hasCjk(term) && [...term].length < PARTIAL_MIN_CHARS) return null
    ;(negated ? exclude : include).push(term.toLowerCase())
  }
  for (const phrase of q.phrases) {
    if (!hasCjk(phrase) && [...phrase].length < PARTIAL_MIN_CHARS) return null
    include.push(phrase.toLowerCase())
  }
  return include.length ? { include, exclude } : null
}
