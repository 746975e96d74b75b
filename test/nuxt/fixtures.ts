import type { Conversation, Message, User } from '#shared/types'
import { messageFixture } from '../support/message-fixture'

export const ME: User = {
  id: '00000000-0000-4000-8000-000000000001', email: 'me@example.com', displayName: 'Me', avatarUrl: null, role: 'member', readReceipts: true,
  emailNotifications: 'mentions', notificationPreview: true, dndUntil: null
}
export const OTHER = { id: '00000000-0000-4000-8000-000000000002', displayName: 'Other', avatarUrl: null }

export const CONVERSATION_ID = '00000000-0000-4000-8000-0000000000c1'
export const PROJECT_ID = '00000000-0000-4000-8000-0000000000p1'

/** A confirmed message from the other member, unless overridden. */
export function message(seq: number, overrides: Partial<Message> = {}): Message {
  return messageFixture(seq, { id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`, conversationId: CONVERSATION_ID, sender: OTHER, createdAt: new Date(Date.now() - (100 - seq) * 1000).toISOString() }, { clientId: crypto.randomUUID(), ...overrides })
}

export function conversation(overrides: Partial<Conversation> = {}): Conversation {
  return {
    id: CONVERSATION_ID,
    projectId: PROJECT_ID,
    type: 'project',
    title: 'general',
    status: 'active',
    lastSeq: 0,
    lastMessageAt: null,
    unreadCount: 0,
    mentionCount: 0,
    myRole: 'member',
    settings: { slowModeSeconds: 0 },
    preferences: { notificationLevel: 'all', mutedUntil: null },
    lastMessage: null,
    peer: null,
    ...overrides
  }
}
