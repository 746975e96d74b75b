import { describe, expect, it } from 'vitest'
import { describeError } from '../../utils/describe-error'
import { messageHash, seqFromHash } from '../../utils/message-hash'

describe('describeError', () => {
  it('names the wait for throttled sends', () => {
    expect(describeError({ code: 'SLOW_MODE', message: 'x', details: { retryAfterMs: 4200 } })).toBe('Slow mode — try again in 5s')
    expect(describeError({ code: 'RATE_LIMITED', message: 'x', details: { retryAfterMs: 1000 } })).toBe('Too many messages — try again in 1s')
    expect(describeError({ code: 'RATE_LIMITED', message: 'slow down' })).toBe('slow down')
  })

  it('words posting refusals for people and passes other messages through', () => {
    expect(describeError({ code: 'CONVERSATION_LOCKED', message: 'x' })).toBe('This conversation is locked')
    expect(describeError({ code: 'MUTED', message: 'x' })).toBe('You are muted')
    expect(describeError({ code: 'VALIDATION', message: 'content must not be empty' })).toBe('content must not be empty')
  })
})

describe('message hash', () => {
  it('round-trips a seq through #m-<seq>', () => {
    expect(messageHash(42)).toBe('#m-42')
    expect(seqFromHash(messageHash(42))).toBe(42)
  })

  it('ignores other hashes', () => {
    for (const hash of ['', '#', '#m-', '#m-0', '#m-4x', '#top', 'm-4']) expect(seqFromHash(hash)).toBeNull()
  })
})
