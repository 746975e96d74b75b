import emojiData from 'emojibase-data/en/compact.json'
import githubShortcodes from 'emojibase-data/en/shortcodes/github.json'
import slackShortcodes from 'emojibase-data/en/shortcodes/iamcal.json'
import emojiTest from 'unicode-emoji-json/data-by-emoji.json'
import { describe, expect, it } from 'vitest'
import { buildEmojiIndex, canonicalEmoji, searchEmoji } from '#shared/emoji'

const index = buildEmojiIndex(emojiData, githubShortcodes, slackShortcodes)

describe('the emoji index', () => {
  it('maps GitHub and Slack shortcodes to emoji', () => {
    expect(index.byShortcode.get('wave')).toBe('👋')
    // Fully qualified as emoji-test.txt lists it: 👍 needs no presentation selector, ☺️ does.
    expect(index.byShortcode.get('+1')).toBe('\u{1F44D}')
    expect(index.byShortcode.get('thumbsup')).toBe('\u{1F44D}')
    expect(index.byShortcode.get('relaxed')).toBe('\u263A\uFE0F')
    expect(index.byShortcode.get('slightly_smiling_face')).toBe('🙂')
    expect(index.list.length).toBeGreaterThan(1500)
  })

  it('leaves skin-tone components out of the pickable list', () => {
    expect(index.list.some(e => e.label.includes('skin tone'))).toBe(false)
  })

  it('ranks exact and prefix shortcode matches before label and tag matches', () => {
    const hits = searchEmoji(index, 'smile', 10)
    expect(hits[0]!.shortcodes).toContain('smile')
    expect(searchEmoji(index, ':tada:')[0]!.unicode).toBe('🎉')
    expect(searchEmoji(index, 'hello').some(e => e.unicode === '👋')).toBe(true)
    expect(searchEmoji(index, 'zzzznothing')).toEqual([])
  })
})

describe('the stored spelling of a reaction', () => {
  it('is the fully qualified emoji, however it was typed', () => {
    const heart = index.byShortcode.get('heart')!
    expect(canonicalEmoji(index, '\u2764')).toBe(heart)
    expect(canonicalEmoji(index, '\u2764\uFE0F')).toBe(heart)
    expect(canonicalEmoji(index, ':heart:')).toBe(heart)
    expect(canonicalEmoji(index, ':+1:')).toBe(canonicalEmoji(index, '👍'))
    expect(canonicalEmoji(index, '👋🏽')).toBe('👋🏽')
  })

  it('is what Unicode\'s emoji-test.txt lists as fully qualified, for every emoji both know', () => {
    const bare = (s: string) => s.replace(/[\uFE0E\uFE0F]/g, '')
    const listed = new Map(Object.keys(emojiTest).map(k => [bare(k), k]))
    const checked = index.list.filter(e => listed.has(bare(e.unicode)))
    expect(checked.length).toBeGreaterThan(1800)
    expect(checked.filter(e => e.unicode !== listed.get(bare(e.unicode)) || canonicalEmoji(index, bare(e.unicode)) !== e.unicode).map(e => e.unicode)).toEqual([])
    expect(canonicalEmoji(index, '\u{1F44D}\uFE0F')).toBe('\u{1F44D}')
  })

  it('refuses text that is not one known emoji', () => {
    for (const junk of ['', 'hello', '👍👍', ':nope:', '<script>', 'a']) expect(canonicalEmoji(index, junk)).toBeNull()
  })
})
