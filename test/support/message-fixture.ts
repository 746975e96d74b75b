import type { Message, UserSummary } from '#shared/types'

/** A confirmed text message with every contract field, for unit and component tests. */
export function messageFixture(seq: number, base: { id: string, conversationId: string, sender: UserSummary, createdAt: string }, overrides: Partial<Message> = {}): Message {
  return {
    id: base.id,
    conversationId: base.conversationId,
    seq,
    updatedSeq: seq,
    clientId: `client-${seq}`,
    senderId: base.sender.id,
    sender: base.sender,
    type: 'text',
    content: `message ${seq}`,
    contentHtml: `<p>message ${seq}</p>`,
    replyToId: null,
    threadRootId: null,
    alsoInConversation: false,
    replyCount: 0,
    thread: null,
    replyTo: null,
    reactions: [],
    attachments: [],
    mentions: [],
    pinnedAt: null,
    editedAt: null,
    deletedAt: null,
    createdAt: base.createdAt,
    ...overrides
  }
}
