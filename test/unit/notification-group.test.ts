import { describe, expect, it } from 'vitest'
import type { NotificationPayload } from '#shared/events'
import { GROUP_WINDOW_MS, addNotification, endGroup, oneLine, pruneGroups, toastText, type NotificationGroup } from '../../utils/notifications/group'

const GENERAL = '00000000-0000-4000-8000-0000000000a1'
const DESIGN = '00000000-0000-4000-8000-0000000000a2'
const ALICE = { id: 'u-alice', displayName: 'Alice', avatarUrl: null }
const CAROL = { id: 'u-carol', displayName: 'Carol', avatarUrl: '/api/users/u-carol/avatar' }

let n = 0
function note(overrides: Partial<NotificationPayload> = {}): NotificationPayload {
  n++
  return {
    kind: 'mention',
    conversationId: GENERAL,
    messageId: `m-${n}`,
    title: 'Alice in #general',
    body: `hello ${n}`,
    sender: ALICE,
    url: `/c/${GENERAL}#m-${n}`,
    ...overrides
  }
}

/** Feeds notifications at the given times (ms) and returns every step's result. */
function feed(items: [NotificationPayload, number][]) {
  let groups: NotificationGroup[] = []
  return items.map(([payload, at]) => {
    const result = addNotification(groups, payload, at)
    groups = result.groups
    return result
  })
}

describe('toast grouping', () => {
  it('a burst in one conversation shares one toast and counts', () => {
    const steps = feed([[note(), 1_000], [note({ kind: 'reply' }), 2_000], [note(), 3_500]])
    expect(steps.map(s => s.started)).toEqual([true, false, false])
    expect(new Set(steps.map(s => s.group.id)).size).toBe(1)
    expect(steps.at(-1)!.group.count).toBe(3)
    expect(steps.at(-1)!.groups).toHaveLength(1)
    // The toast shows the newest message of the burst.
    expect(steps.at(-1)!.group.latest.messageId).toBe(`m-${n}`)
  })

  it('another conversation gets its own toast', () => {
    const steps = feed([[note(), 0], [note({ conversationId: DESIGN }), 500]])
    expect(steps[1]!.started).toBe(true)
    expect(steps[1]!.group.id).not.toBe(steps[0]!.group.id)
    expect(steps[1]!.groups).toHaveLength(2)
  })

  it('the window runs from the latest notification, and a quiet gap starts a new toast', () => {
    const w = GROUP_WINDOW_MS
    // Each one arrives just inside the window of the one before: still one burst after 3 windows.
    const chained = feed([[note(), 0], [note(), w], [note(), 2 * w], [note(), 3 * w]])
    expect(chained.at(-1)!.started).toBe(false)
    expect(chained.at(-1)!.group.count).toBe(4)
    const gap = feed([[note(), 0], [note(), w + 1]])
    expect(gap[1]!.started).toBe(true)
    expect(gap[1]!.group.count).toBe(1)
    // The ended burst is dropped, not kept forever.
    expect(gap[1]!.groups).toHaveLength(1)
  })

  it('the same message twice (two sockets, a redelivery) counts once', () => {
    const first = note()
    const steps = feed([[first, 0], [{ ...first }, 10]])
    expect(steps[1]!.group.count).toBe(1)
  })

  it('remembers a mention anywhere in the burst', () => {
    const steps = feed([[note({ kind: 'reply' }), 0], [note({ kind: 'mention' }), 100], [note({ kind: 'reply' }), 200]])
    expect(steps.map(s => s.group.mentioned)).toEqual([false, true, true])
  })

  it('a closed toast ends its burst: the next notification opens a fresh one', () => {
    const [first] = feed([[note(), 0]])
    const groups = endGroup(first!.groups, first!.group.id)
    const next = addNotification(groups, note(), 100)
    expect(next.started).toBe(true)
    expect(next.group.count).toBe(1)
  })

  it('prunes by the last notification\'s time', () => {
    const [first] = feed([[note(), 0]])
    expect(pruneGroups(first!.groups, GROUP_WINDOW_MS)).toHaveLength(1)
    expect(pruneGroups(first!.groups, GROUP_WINDOW_MS + 1)).toHaveLength(0)
  })
})

describe('toast text', () => {
  it('one message: who and where, and the preview', () => {
    const [step] = feed([[note({ title: 'Alice in general', body: 'can you\n  look at   this?' }), 0]])
    expect(toastText(step!.group, '#general', false)).toEqual({ title: 'Alice in #general', description: 'can you look at this?' })
    expect(toastText(step!.group, 'Alice', true).title).toBe('Alice')
    // Not listed here yet: the server's title.
    expect(toastText(step!.group, null, false).title).toBe('Alice in general')
  })

  it('a burst in a channel: "3 new messages in #general", the newest preview with its sender', () => {
    const steps = feed([[note(), 0], [note(), 1], [note({ sender: CAROL, body: 'ship it' }), 2]])
    expect(toastText(steps[2]!.group, '#general', false)).toEqual({ title: '3 new messages in #general', description: 'Carol: ship it' })
  })

  it('a burst in a DM names the person, not the conversation', () => {
    const steps = feed([[note({ kind: 'dm', title: 'Alice' }), 0], [note({ kind: 'dm', title: 'Alice', body: 'ping' }), 1]])
    expect(toastText(steps[1]!.group, 'Alice', true)).toEqual({ title: '2 new messages from Alice', description: 'ping' })
  })

  it('falls back to the server\'s title while the conversation is not listed, and to no preview when the body is empty', () => {
    const steps = feed([[note({ title: 'Alice in #ops', body: '' }), 0], [note({ title: 'Alice in #ops', body: '' }), 1]])
    expect(toastText(steps[1]!.group, null, false)).toEqual({ title: '2 new messages in Alice in #ops', description: '' })
  })

  it('tolerates a payload without sender (an older server)', () => {
    const legacy = { ...note({ body: 'hi' }), sender: undefined } as unknown as NotificationPayload
    const steps = feed([[legacy, 0], [{ ...legacy, messageId: 'other' }, 1]])
    expect(toastText(steps[1]!.group, '#general', false)).toEqual({ title: '2 new messages in #general', description: 'hi' })
  })

  it('shortens long previews to one line', () => {
    expect(oneLine('x'.repeat(300), 20)).toBe(`${'x'.repeat(19)}…`)
    expect(oneLine(undefined)).toBe('')
  })
})
