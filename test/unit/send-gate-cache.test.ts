import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { AccessChange } from '~~/server/db/access-changes'
import type { Membership } from '~~/server/services/access'

// The feed is played by hand here: whether it is live, and what it announces.
const feed = vi.hoisted(() => ({ live: true, subscriber: undefined as ((change: AccessChange) => void) | undefined }))
vi.mock('~~/server/db/access-changes', () => ({
  accessFeedLive: () => feed.live,
  onAccessChange: (fn: (change: AccessChange) => void) => {
    feed.subscriber = fn
    return () => undefined
  }
}))

const { cachedGate, forgetGate, gateGeneration, storeGate } = await import('~~/server/services/messages/send-gate-cache')

const membership = (conversationId: string) => ({ conversation: { id: conversationId }, participant: { role: 'member' } }) as unknown as Membership
const announce = (change: AccessChange) => feed.subscriber!(change)

function remember(userId: string, conversationId: string, silenced: { until: Date | null } | null = null) {
  storeGate(gateGeneration(), userId, conversationId, { membership: membership(conversationId), silenced: silenced && { kind: 'mute', reason: null, conversationId: null, ...silenced } })
}

beforeEach(() => {
  feed.live = true
  gateGeneration()
  announce({ kind: 'all' })
})

describe('send gates kept in memory', () => {
  it('answers a member\'s next send from memory, and only while the feed is live', () => {
    remember('u1', 'c1')
    expect(cachedGate('u1', 'c1')?.membership.conversation.id).toBe('c1')
    expect(cachedGate('u1', 'c2')).toBeUndefined()
    feed.live = false
    expect(cachedGate('u1', 'c1')).toBeUndefined()
    remember('u2', 'c1')
    feed.live = true
    expect(cachedGate('u2', 'c1')).toBeUndefined()
  })

  it('forgets what each announced change touches, and nothing else', () => {
    for (const [u, c] of [['u1', 'c1'], ['u1', 'c2'], ['u2', 'c1'], ['u2', 'c2']] as const) remember(u, c)
    announce({ kind: 'participant', conversationId: 'c1', userId: 'u1' })
    expect([cachedGate('u1', 'c1'), cachedGate('u1', 'c2'), cachedGate('u2', 'c1')].map(g => !!g)).toEqual([false, true, true])
    announce({ kind: 'conversation', conversationId: 'c2' })
    expect([cachedGate('u1', 'c2'), cachedGate('u2', 'c2'), cachedGate('u2', 'c1')].map(g => !!g)).toEqual([false, false, true])
    remember('u1', 'c1')
    announce({ kind: 'user', userId: 'u2' })
    expect([cachedGate('u2', 'c1'), cachedGate('u1', 'c1')].map(g => !!g)).toEqual([false, true])
    forgetGate('u1', 'c1')
    expect(cachedGate('u1', 'c1')).toBeUndefined()
  })

  it('does not keep a gate read while a change was announced: it may predate the change', () => {
    const readAt = gateGeneration()
    announce({ kind: 'user', userId: 'someone else' })
    storeGate(readAt, 'u1', 'c1', { membership: membership('c1'), silenced: null })
    expect(cachedGate('u1', 'c1')).toBeUndefined()
  })

  it('stops reporting a mute once its end has passed', () => {
    remember('u1', 'c1', { until: new Date(Date.now() + 60_000) })
    remember('u2', 'c1', { until: new Date(Date.now() - 1) })
    remember('u3', 'c1', { until: null })
    expect(cachedGate('u1', 'c1')?.silenced?.kind).toBe('mute')
    expect(cachedGate('u2', 'c1')?.silenced).toBeNull()
    expect(cachedGate('u3', 'c1')?.silenced?.kind).toBe('mute')
  })
})
