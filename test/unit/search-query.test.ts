import { describe, expect, it } from 'vitest'
import { isSearchDate, nextSearchDay, parseSearchQuery, partialTerms, type SearchQuery } from '#shared/search-query'
import { SEARCH_PAGE_DEFAULT, searchQuerySchema } from '#shared/search-schemas'
import { parseInput, toErrorBody } from '../../server/utils/errors'

const parsed = (input: string): SearchQuery => {
  const result = parseSearchQuery(input)
  if (!result.ok) throw new Error(result.error)
  return result.query
}

const validationFields = (input: unknown) => {
  try {
    parseInput(searchQuerySchema, input)
  } catch (error) {
    const body = toErrorBody(error)
    expect(body.code).toBe('VALIDATION')
    return { message: body.message, fields: (body.details!.fields as { field: string }[]).map(f => f.field) }
  }
  throw new Error('expected VALIDATION')
}

describe('search query parser', () => {
  it('keeps plain words as typed, including websearch operators', () => {
    expect(parsed('deploy  the -staging or prod')).toMatchObject({ words: ['deploy', 'the', '-staging', 'or', 'prod'], phrases: [] })
  })

  it('takes quoted phrases apart from words, and an unclosed quote runs to the end', () => {
    expect(parsed('notes "release  plan" budget "q3 review')).toMatchObject({ words: ['notes', 'budget'], phrases: ['release plan', 'q3 review'] })
    expect(parsed('a""b')).toMatchObject({ words: ['a', 'b'], phrases: [] })
  })

  it('reads every filter, case-insensitively, with quoted values', () => {
    expect(parsed('FROM:@Alice from:bob@example.com in:"Release Planning" in:#general has:FILE before:2024-03-01 after:2024-01-31 budget')).toEqual({
      words: ['budget'],
      phrases: [],
      from: ['alice', 'bob@example.com'],
      in: ['release planning', 'general'],
      hasFile: true,
      hasImage: false,
      hasLink: false,
      isPinned: false,
      isThread: false,
      before: '2024-03-01',
      after: '2024-01-31'
    })
  })

  it('reads has:image, has:link, is:pinned and is:thread, and names what it supports otherwise', () => {
    expect(parsed('has:image has:LINK is:pinned is:Thread deploy')).toMatchObject({ words: ['deploy'], hasImage: true, hasLink: true, isPinned: true, isThread: true, hasFile: false })
    expect(parseSearchQuery('is:pinned')).toMatchObject({ ok: true })
    expect(parseSearchQuery('has:video')).toEqual({ ok: false, error: 'has:video is not supported (use has:file, has:image or has:link)' })
    expect(parseSearchQuery('is:starred')).toEqual({ ok: false, error: 'is:starred is not supported (use is:pinned or is:thread)' })
  })

  it('keeps the tightest range when a date filter repeats', () => {
    expect(parsed('before:2024-05-01 before:2024-04-01 after:2024-01-01 after:2024-02-01')).toMatchObject({ before: '2024-04-01', after: '2024-02-01' })
  })

  it('accepts a query of filters only', () => {
    expect(parsed('from:alice has:file')).toMatchObject({ words: [], phrases: [], from: ['alice'], hasFile: true })
  })

  it('treats unknown prefixes and URLs as words', () => {
    expect(parsed('see https://example.com/x to:bob')).toMatchObject({ words: ['see', 'https://example.com/x', 'to:bob'], from: [] })
  })

  it('rejects bad dates, unknown has: values, empty filter values and empty queries', () => {
    for (const bad of ['before:2024-02-30', 'after:yesterday', 'before:2024-1-5', 'has:video', 'from:', 'in:"" x', '""', '   ']) {
      expect(parseSearchQuery(bad).ok, bad).toBe(false)
    }
  })

  it('checks calendar days and steps to the next one across month and year ends', () => {
    expect(isSearchDate('2024-02-29')).toBe(true)
    expect(isSearchDate('2023-02-29')).toBe(false)
    expect(nextSearchDay('2024-02-29')).toBe('2024-03-01')
    expect(nextSearchDay('2024-12-31')).toBe('2025-01-01')
  })
})

describe('search query schema', () => {
  it('parses q and applies the default limit', () => {
    const data = parseInput(searchQuerySchema, { q: ' budget from:me ' })
    expect(data.q).toMatchObject({ words: ['budget'], from: ['me'] })
    expect(data.limit).toBe(SEARCH_PAGE_DEFAULT)
  })

  it('names q for an empty query or a bad date', () => {
    expect(validationFields({ q: '' }).fields).toEqual(['q'])
    expect(validationFields({}).fields).toEqual(['q'])
    const badDate = validationFields({ q: 'report before:2024-13-01' })
    expect(badDate.fields).toEqual(['q'])
    expect(badDate.message).toContain('YYYY-MM-DD')
  })

  it('bounds limit at 50 and checks the ids', () => {
    expect(parseInput(searchQuerySchema, { q: 'x', limit: '50' }).limit).toBe(50)
    expect(validationFields({ q: 'x', limit: '51' }).fields).toEqual(['limit'])
    expect(validationFields({ q: 'x', conversationId: 'nope', projectId: 'nope' }).fields.sort()).toEqual(['conversationId', 'projectId'])
  })
})

describe('partialTerms', () => {
  it('searches inside words from three letters, and inside CJK text from one character', () => {
    expect(partialTerms(parsed('Deploy notes'))).toEqual({ include: ['deploy', 'notes'], exclude: [] })
    expect(partialTerms(parsed('deploy -friday "Release Plan" from:me'))).toEqual({ include: ['deploy', 'release plan'], exclude: ['friday'] })
    expect(partialTerms(parsed('東京'))).toEqual({ include: ['東京'], exclude: [] })
    expect(partialTerms(parsed('京'))).toEqual({ include: ['京'], exclude: [] })
  })

  it('leaves short Latin terms, alternatives and filters-only queries to full text', () => {
    expect(partialTerms(parsed('go deploy'))).toBeNull()
    expect(partialTerms(parsed('deploy -go'))).toBeNull()
    expect(partialTerms(parsed('deploy or release'))).toBeNull()
    expect(partialTerms(parsed('from:me'))).toBeNull()
    expect(partialTerms(parsed('-friday'))).toBeNull()
  })
})
