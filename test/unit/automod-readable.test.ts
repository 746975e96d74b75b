import { describe, expect, it } from 'vitest'
import { compileRule } from '~~/server/services/moderation/automod/compile'
import { readableText } from '~~/server/services/moderation/automod/readable'
import type { MatchInput, RuleSpec } from '~~/server/services/moderation/automod/types'
import { renderPlainText } from '~~/server/services/messages/markdown/render'

const rule = (spec: Partial<RuleSpec> & Pick<RuleSpec, 'kind'>): RuleSpec => ({ id: null, name: 'r', action: 'block', config: {}, ...spec })
const input = (content: string): MatchInput => ({ content, mentionCount: 0, recent: [], now: 1_000_000 })
const matches = (spec: RuleSpec, content: string) => compileRule(spec).match(input(content))

describe('the text rules read what members will read', () => {
  it('resolves emphasis, entities, links, images and code to the words shown', () => {
    expect(readableText('**fr**obnicate')).toBe('frobnicate')
    expect(readableText('f*rob*nicate and _frobnicate_')).toBe('frobnicate and frobnicate')
    expect(readableText('fr&#111;bnicate')).toBe('frobnicate')
    expect(readableText('[frob](https://x.test)nicate')).toBe('frobnicate\nhttps://x.test')
    expect(readableText('![frobnicate](https://x.test/a.png) `code` x')).toContain('frobnicate code x')
  })

  it('drops zero-width characters and soft hyphens and folds compatibility forms', () => {
    for (const hidden of ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD']) {
      expect(readableText(`frob${hidden}nicate`)).toBe('frobnicate')
    }
    expect(readableText('ｆｒｏｂｎｉｃａｔｅ')).toBe('frobnicate')
  })

  it('lets no hidden spelling past a word list, a pattern or a link rule', () => {
    const words = rule({ kind: 'profanity', config: { words: ['frobnicate'] } })
    for (const text of ['**frob**nicate', 'f*r*obnicate', '_frobnicate_', 'frob\u200Bnicate', 'frob\u00ADnicate', 'fr\u2060ob\uFEFFnicate']) {
      expect(matches(words, text), text).toBe('word: frobnicate')
    }
    expect(matches(words, 'what the f\u200Buck')).toMatch(/^word:/)
    expect(matches(rule({ kind: 'regex', pattern: 'secret-\\d+' }), 'secret\u200B-**42**')).toBe('text: secret-42')
    // A pattern about the markdown itself still sees the text as typed.
    expect(matches(rule({ kind: 'regex', pattern: '\\*\\*' }), '**bold**')).toBe('text: **')
    const deny = rule({ kind: 'links', config: { denyDomains: ['pastebin.com'] } })
    expect(matches(deny, 'see paste\u00ADbin.com/x')).toBe('link: pastebin.com')
    expect(matches(deny, 'see **paste**bin.com/x')).toBe('link: pastebin.com')
    expect(matches(words, 'a perfectly nice sentence')).toBeNull()
  })

  it('counts texts differing only in invisible characters as the same text for flood', () => {
    const flood = compileRule(rule({ kind: 'flood', config: { maxRepeats: 1, windowSeconds: 60 } }))
    expect(flood.match({ ...input('buy now'), recent: [{ content: 'buy\u200B now', at: 999_000 }] })).toMatch(/^same text/)
  })
})

describe('renderPlainText', () => {
  it('shows markdown and html as written', () => {
    expect(renderPlainText('renamed to “[click](http://evil.test)” <b>x</b>')).toBe('<p>renamed to “[click](http://evil.test)” &lt;b&gt;x&lt;/b&gt;</p>')
  })
})
