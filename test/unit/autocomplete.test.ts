import { describe, expect, it } from 'vitest'
import { applyCompletion, emojiQueryAt, mentionSuggestions } from '../../utils/chat/autocomplete'
import { fromLocalInput, schedulePresets, toLocalInput } from '../../utils/chat/schedule'

const people = [
  { id: 'u-ada', displayName: 'Ada Lovelace', avatarUrl: null },
  { id: 'u-alan', displayName: 'Alan Turing', avatarUrl: null },
  { id: 'u-grace', displayName: 'Grace Hopper', avatarUrl: null },
  { id: 'u-me', displayName: 'Me Myself', avatarUrl: null }
]
const labels = (query: string) => mentionSuggestions(people, query, { myId: 'u-me' }).map(s => s.label)

describe('mention suggestions', () => {
  it('lists everyone but oneself, then @here and @channel, for a bare @', () => {
    expect(labels('')).toEqual(['Ada Lovelace', 'Alan Turing', 'Grace Hopper', '@here', '@channel'])
  })

  it('filters case-insensitively: name starts first, then a later word, then anywhere', () => {
    expect(labels('a')).toEqual(['Ada Lovelace', 'Alan Turing', 'Grace Hopper'])
    expect(labels('ho')).toEqual(['Grace Hopper'])
    expect(labels('ri')).toEqual(['Alan Turing'])
  })

  it('matches names with spaces and broadcasts by prefix', () => {
    expect(labels('ada lo')).toEqual(['Ada Lovelace'])
    expect(labels('he')).toEqual(['@here'])
    expect(labels('ch')).toEqual(['@channel'])
    expect(labels('zz')).toEqual([])
  })

  it('inserts the display name with a trailing space', () => {
    expect(mentionSuggestions(people, 'grace')[0]!.insert).toBe('@Grace Hopper ')
  })
})

describe('emoji query', () => {
  it('opens after a colon and two characters', () => {
    expect(emojiQueryAt('nice :th', 8)).toEqual({ start: 5, query: 'th' })
    expect(emojiQueryAt(':+1', 3)).toEqual({ start: 0, query: '+1' })
  })

  it('stays closed for one character, times and words with colons', () => {
    expect(emojiQueryAt('nice :t', 7)).toBeNull()
    expect(emojiQueryAt('at 10:30', 8)).toBeNull()
    expect(emojiQueryAt('note:ab', 7)).toBeNull()
  })
})

describe('completion', () => {
  it('replaces the trigger and puts the caret after the insertion', () => {
    expect(applyCompletion('hi @ad there', 3, 6, '@Ada Lovelace ')).toEqual({ text: 'hi @Ada Lovelace there', caret: 17 })
    expect(applyCompletion('go :ta', 3, 6, '🎉')).toEqual({ text: 'go 🎉', caret: 5 })
  })
})

describe('schedule presets', () => {
  it('in an hour, tomorrow 9:00 and next Monday 9:00 from a Wednesday afternoon', () => {
    const now = new Date(2026, 11, 2, 15, 30) // Wednesday 2 December 2026
    const [hour, tomorrow, monday] = schedulePresets(now)
    expect(hour!.at.getTime() - now.getTime()).toBe(3600_000)
    expect(tomorrow!.at).toEqual(new Date(2026, 11, 3, 9, 0))
    expect(monday!.at).toEqual(new Date(2026, 11, 7, 9, 0))
  })

  it('next Monday from a Monday is a week ahead', () => {
    expect(schedulePresets(new Date(2026, 11, 7, 8, 0))[2]!.at).toEqual(new Date(2026, 11, 14, 9, 0))
  })

  it('round-trips the datetime-local value', () => {
    const at = new Date(2026, 0, 5, 7, 4)
    expect(toLocalInput(at)).toBe('2026-01-05T07:04')
    expect(fromLocalInput(toLocalInput(at))).toEqual(at)
    expect(fromLocalInput('')).toBeNull()
  })
})
