import { describe, expect, it } from 'vitest'
import { messageFixture } from '../support/message-fixture'
import { firstUnread, type ChatMessage } from '../../utils/chat/timeline'

const ME = 'user-me'
const OTHER = { id: 'user-other', displayName: 'Other', avatarUrl: null }

function row(seq: number, overrides: Partial<ChatMessage> = {}): ChatMessage {
  return { ...messageFixture(seq, { id: `m-${seq}`, conversationId: 'c-1', sender: OTHER, createdAt: new Date(Date.UTC(2026, 0, 1, 12, seq)).toISOString() }), status: 'sent', ...overrides }
}

describe('where "New messages" starts', () => {
  it('at the first message after the last read one', () => {
    expect(firstUnread([row(1), row(2), row(3)], 1, ME)?.seq).toBe(2)
  })

  it('skips one\'s own messages, system lines and unsent local copies', () => {
    const list = [row(1), row(2, { senderId: ME }), row(3, { type: 'system' }), row(4), { ...row(0, { id: 'local', senderId: ME }), status: 'pending' as const }]
    expect(firstUnread(list, 1, ME)?.seq).toBe(4)
  })

  it('is nowhere when everything was read', () => {
    expect(firstUnread([row(1), row(2)], 2, ME)).toBeUndefined()
  })
})
