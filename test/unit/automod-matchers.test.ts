import { describe, expect, it } from 'vitest'
import { automodRuleInputSchema, regexProblem } from '#shared/automod-schemas'
import { compileRule } from '~~/server/services/moderation/automod/compile'
import { linkHosts } from '~~/server/services/moderation/automod/links'
import type { MatchInput, RuleSpec } from '~~/server/services/moderation/automod/types'
import { describeError } from '~~/utils/describe-error'

const rule = (spec: Partial<RuleSpec> & Pick<RuleSpec, 'kind'>): RuleSpec => ({ id: null, name: 'r', action: 'block', config: {}, ...spec })
const input = (content: string, extra: Partial<MatchInput> = {}): MatchInput => ({ content, mentionCount: 0, recent: [], now: 1_000_000, ...extra })
const matches = (spec: RuleSpec, content: string, extra?: Partial<MatchInput>) => compileRule(spec).match(input(content, extra))

describe('profanity', () => {
  const plain = rule({ kind: 'profanity' })
  it('catches the built-in list, leetspeak included, and lets look-alike innocent words pass', () => {
    expect(matches(plain, 'what the fuck')).toMatch(/^word:/)
    expect(matches(plain, 'you sh1t')).toMatch(/^word:/)
    expect(matches(plain, 'I live in Scunthorpe')).toBeNull()
    expect(matches(plain, 'the assassin went to class')).toBeNull()
    expect(matches(plain, 'a perfectly nice sentence')).toBeNull()
  })
  it('adds the rule\'s own words, and its allow list never matches', () => {
    const custom = rule({ kind: 'profanity', config: { words: ['frobnicate'], allowWords: ['frobnicated'] } })
    expect(matches(custom, 'do not FROBNICATE that')).toBe('word: frobnicate')
    expect(matches(custom, 'it was frobnicated yesterday')).toBeNull()
  })
})

describe('regex', () => {
  it('matches with re2, case-sensitive unless asked', () => {
    expect(matches(rule({ kind: 'regex', pattern: 'secret-\\d+' }), 'the code is secret-42')).toBe('text: secret-42')
    expect(matches(rule({ kind: 'regex', pattern: 'secret' }), 'SECRET')).toBeNull()
    expect(matches(rule({ kind: 'regex', pattern: 'secret', config: { caseInsensitive: true } }), 'SECRET')).toBe('text: SECRET')
  })
  it('answers a catastrophic-backtracking pattern in linear time', () => {
    const started = performance.now()
    expect(matches(rule({ kind: 'regex', pattern: '(a+)+$' }), `${'a'.repeat(50_000)}!`)).toBeNull()
    expect(matches(rule({ kind: 'regex', pattern: '(a+)+b' }), `${'a'.repeat(50_000)}`)).toBeNull()
    expect(matches(rule({ kind: 'regex', pattern: '^(a+)+$' }), `${'a'.repeat(50_000)}!`)).toBeNull()
    expect(performance.now() - started).toBeLessThan(2000)
  })
  it('refuses patterns re2 cannot compile, on the pattern field', () => {
    expect(regexProblem('(unclosed')).toBeTruthy()
    expect(regexProblem('(?<=look)behind')).toBeTruthy()
    const parsed = automodRuleInputSchema.safeParse({ name: 'x', kind: 'regex', pattern: '[', action: 'block' })
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues[0]?.path).toEqual(['pattern'])
  })
})

describe('links', () => {
  it('finds bare and schemed links, not e-mail addresses', () => {
    expect(linkHosts('see pastebin.com/abc and https://EU.Example.org/x, mail me@corp.com')).toEqual(['pastebin.com', 'eu.example.org'])
  })
  it('denies a domain and its subdomains, not look-alikes', () => {
    const deny = rule({ kind: 'links', config: { denyDomains: ['pastebin.com'] } })
    expect(matches(deny, 'https://pastebin.com/raw/1')).toBe('link: pastebin.com')
    expect(matches(deny, 'eu.pastebin.com/x')).toBe('link: eu.pastebin.com')
    expect(matches(deny, 'https://notpastebin.com/x')).toBeNull()
    expect(matches(deny, 'no links here')).toBeNull()
  })
  it('with an allow list, matches any other domain', () => {
    const allow = rule({ kind: 'links', config: { allowDomains: ['example.com'] } })
    expect(matches(allow, 'docs at https://docs.example.com/a')).toBeNull()
    expect(matches(allow, 'or https://evil.test/a')).toBe('link: evil.test (not allowed)')
  })
  it('normalizes domains as admins type them', () => {
    const parsed = automodRuleInputSchema.parse({ name: 'x', kind: 'links', action: 'block', config: { denyDomains: ['https://PasteBin.com/x', '*.bit.ly'] } })
    expect(parsed.config.denyDomains).toEqual(['pastebin.com', 'bit.ly'])
  })
})

describe('mentions', () => {
  it('matches above the limit only', () => {
    const spec = rule({ kind: 'mentions', config: { maxMentions: 3 } })
    expect(matches(spec, 'x', { mentionCount: 3 })).toBeNull()
    expect(matches(spec, 'x', { mentionCount: 4 })).toBe('4 mentions (limit 3)')
  })
})

describe('flood', () => {
  const now = 1_000_000
  const posts = (n: number, content = 'hi', gapMs = 1000) => Array.from({ length: n }, (_, i) => ({ content, at: now - (i + 1) * gapMs }))
  it('counts messages in the window', () => {
    const spec = rule({ kind: 'flood', config: { maxMessages: 3, windowSeconds: 10 } })
    expect(matches(spec, 'next', { recent: posts(2) })).toBeNull()
    expect(matches(spec, 'next', { recent: posts(3) })).toBe('4 messages in 10s (limit 3)')
    expect(matches(spec, 'next', { recent: posts(3, 'hi', 20_000) })).toBeNull()
  })
  it('counts repeats of the same text, ignoring case and spacing', () => {
    const spec = rule({ kind: 'flood', config: { maxRepeats: 2, windowSeconds: 60 } })
    expect(matches(spec, 'Buy  NOW', { recent: [{ content: 'buy now', at: now - 1000 }] })).toBeNull()
    expect(matches(spec, 'Buy  NOW', { recent: [{ content: 'buy now', at: now - 1000 }, { content: 'BUY NOW ', at: now - 2000 }] })).toMatch(/same text 3 times/)
    expect(matches(spec, 'other', { recent: posts(5, 'buy now') })).toBeNull()
  })
  it('needs a window and a limit', () => {
    expect(automodRuleInputSchema.safeParse({ name: 'f', kind: 'flood', action: 'block', config: { windowSeconds: 5 } }).success).toBe(false)
  })
})

describe('what the member sees', () => {
  it('names the rule that blocked a message', () => {
    expect(describeError({ code: 'CONTENT_BLOCKED', message: 'x', details: { rule: 'No links to pastebin', kind: 'links' } })).toBe('Blocked by the rule “No links to pastebin”')
    expect(describeError({ code: 'CONTENT_BLOCKED', message: 'x' })).toBe('Message blocked by the content filter')
  })
})
