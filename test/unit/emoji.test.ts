import emojiData from 'emojibase-data/en/compact.json'
import githubShortcodes from 'emojibase-data/en/shortcodes/github.json'
import slackShortcodes from 'emojibase-data/en/shortcodes/iamcal.json'
import { describe, expect, it } from 'vitest'
import { buildEmojiIndex, canonicalEmoji, searchEmoji } from '#shared/emoji'

const index = buildEmojiIndex(emojiData, githubShortcodes, slackShortcodes)

describe('the emoji index', () => {
  it('maps GitHub and Slack shortcodes to emoji', () => {
    expect(index.byShortcode.get('wave')).toBe('👋')
    // Emojibase spells emoji fully qualified, with the emoji presentation selector.
    expect(index.byShortcode.get('+1')).toBe('\u{1F44D}\uFE0F')
    expect(index.byShortcode.get('thumbsup')).toBe('\u{1F44D}\uFE0F')
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

  it('refuses text that is not one known emoji', () => {
    for (const junk of ['', 'hello', '👍👍', ':nope:', '<script>', 'a']) expect(canonicalEmoji(index, junk)).toBeNull()
  })
})
