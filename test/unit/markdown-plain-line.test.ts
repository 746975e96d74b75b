import { describe, expect, it } from 'vitest'
import { plainTextOf, renderMessage, renderThroughMarkdown } from '../../server/services/messages/markdown/render'

// A seeded generator, so a failure names a case that comes back on the next run.
function random(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

const WORDS = ['hello', 'team', 'deploy', 'ok', 'été', '日本語', 'ship', 'it', '42', '1986', 'v2', 'e.g', 'foo.com', 'www', 'http', 'mailto', 'x']
// Every ASCII punctuation mark, so lines that must take the full path are generated as often as plain ones.
const MARKS = [...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'].concat([' ', '  ', '\t', '\n', '. ', ') ', '](', ';)', '1. ', '10) '])

function line(next: () => number): string {
  const parts: string[] = []
  const n = 1 + Math.floor(next() * 8)
  for (let i = 0; i < n; i++) {
    parts.push(next() < 0.6 ? WORDS[Math.floor(next() * WORDS.length)]! : MARKS[Math.floor(next() * MARKS.length)]!)
    if (next() < 0.7) parts.push(' ')
  }
  return parts.join('').slice(next() < 0.5 ? 1 : 0)
}

describe('plain lines skip the markdown parser', () => {
  it('renders every generated line exactly as the parser and sanitiser would', () => {
    const next = random(20261207)
    let shortcut = 0
    for (let i = 0; i < 20_000; i++) {
      const text = line(next)
      const fast = renderMessage(text)
      const full = renderThroughMarkdown(text)
      expect(fast, JSON.stringify(text)).toEqual(full)
      if (fast.html === `<p>${text}</p>`) shortcut++
    }
    // Both paths were exercised, so the comparison above covered the shortcut.
    expect(shortcut).toBeGreaterThan(2_000)
    expect(shortcut).toBeLessThan(18_000)
  })

  it('keeps markdown, mentions, links and lists on the full path', () => {
    for (const text of ['**bold** move', '1986. A good year', 'see [docs](https://x.dev)', 'ping @here now', 'visit https://example.com', 'a :tada: day', 'use `npm ci`', '# Title', 'x\ny', '  indented']) {
      expect(renderMessage(text), text).toEqual(renderThroughMarkdown(text))
      expect(renderMessage(text).html, text).not.toBe(`<p>${text}</p>`)
    }
  })

  it('reads a plain line back as the same text', () => {
    for (const text of ['ship it today', 'a "quoted" word (really) [sic]', 'été 日本語 ok?']) {
      expect(renderMessage(text).html).toBe(`<p>${text}</p>`)
      expect(plainTextOf(text)).toBe(text)
    }
  })
})
