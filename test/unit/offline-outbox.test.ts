import { describe, expect, it } from 'vitest'
import type { Message } from '#shared/types'
import { entryFromMessage, flushOrder, messageFromEntry, type OutboxEntry } from '../../utils/offline/outbox-entries'
import { cacheablePage, pagesToEvict } from '../../utils/offline/page-cache'
import { connectionState, heartbeatDeadlineMs } from '../../utils/offline/connection-state'
import { isOutboxNote } from '../../utils/offline/outbox-tabs'
import type { ChatMessage } from '../../utils/chat/timeline'

const ME = { id: 'u1', displayName: 'Me', avatarUrl: null }

function local(clientId: string, createdAt: string, overrides: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id: `local-${clientId}`, conversationId: 'c1', seq: 0, updatedSeq: 0, clientId, senderId: ME.id, sender: ME,
    type: 'text', content: `text ${clientId}`, contentHtml: '', replyToId: null, threadRootId: null, alsoInConversation: false,
    replyCount: 0, thread: null, replyTo: null, reactions: [], attachments: [], mentions: [], pinnedAt: null, editedAt: null,
    deletedAt: null, createdAt, status: 'pending', ...overrides
  } as ChatMessage
}

const entry = (clientId: string, createdAt: string, status: OutboxEntry['status'] = 'pending') =>
  ({ clientId, createdAt, status })

describe('outbox order', () => {
  it('sends pending ones oldest first, leaves failed ones for the member, and each clientId once', () => {
    const queued = [
      entry('c', '2026-12-01T10:00:03.000Z'),
      entry('a', '2026-12-01T10:00:01.000Z'),
      entry('x', '2026-12-01T10:00:00.000Z', 'failed'),
      entry('b', '2026-12-01T10:00:02.000Z'),
      entry('a', '2026-12-01T10:00:01.000Z')
    ]
    expect(flushOrder(queued).map(q => q.clientId)).toEqual(['a', 'b', 'c'])
  })

  it('breaks a tie of the same millisecond by clientId, so every tab agrees on the order', () => {
    const at = '2026-12-01T10:00:00.000Z'
    expect(flushOrder([entry('z', at), entry('m', at)]).map(q => q.clientId)).toEqual(['m', 'z'])
  })

  it('keeps a local copy as plain data and shows it again the same after a reload', () => {
    const quote = { id: 'm9', seq: 9, senderName: 'Bob', excerpt: 'hi', deleted: false }
    const file = { id: 'f1', fileName: 'a.png', mimeType: 'image/png', sizeBytes: 3, url: '/a', thumbnailUrl: null }
    const message = local('k1', '2026-12-01T10:00:00.000Z', { threadRootId: 'root', alsoInConversation: true, replyTo: quote, replyToId: 'm9', attachments: [file] })
    const stored = entryFromMessage(message, ME.id)
    expect(stored).toEqual({
      clientId: 'k1', userId: 'u1', conversationId: 'c1', content: 'text k1', threadRootId: 'root', alsoToConversation: true,
      replyTo: quote, attachments: [file], createdAt: '2026-12-01T10:00:00.000Z', status: 'pending'
    })
    expect(messageFromEntry(stored, ME)).toEqual(message)
  })

  it('keeps a refused send as failed with its reason', () => {
    const stored = entryFromMessage(local('k2', '2026-12-01T10:00:00.000Z', { status: 'failed', errorMessage: 'You are muted' }), ME.id)
    expect(stored).toMatchObject({ status: 'failed', errorMessage: 'You are muted' })
    expect(messageFromEntry(stored, ME)).toMatchObject({ status: 'failed', errorMessage: 'You are muted', seq: 0 })
  })
})

describe('cached pages', () => {
  it('drops the least recently saved conversations beyond the limit', () => {
    const pages = Array.from({ length: 12 }, (_, i) => ({ conversationId: `c${i}`, savedAt: 1000 + i }))
    expect(pagesToEvict(pages, 10).sort()).toEqual(['c0', 'c1'])
    expect(pagesToEvict(pages.slice(0, 10), 10)).toEqual([])
  })

  it('keeps the newest confirmed messages in seq order, without local copies', () => {
    const confirmed = (seq: number) => ({ ...local(`s${seq}`, '2026-12-01T10:00:00.000Z'), seq, updatedSeq: seq, status: 'sent' }) as Message
    const page = cacheablePage([confirmed(3), confirmed(1), local('l', '2026-12-01T10:00:00.000Z'), confirmed(2), confirmed(4)], 3)
    expect(page.map(m => m.seq)).toEqual([2, 3, 4])
  })
})

describe('connection state', () => {
  it('is online with a socket, offline when the browser says so, else reconnecting', () => {
    expect(connectionState({ socketConnected: true, browserOnline: true })).toBe('online')
    expect(connectionState({ socketConnected: false, browserOnline: false })).toBe('offline')
    expect(connectionState({ socketConnected: false, browserOnline: true })).toBe('reconnecting')
  })

  it('gives up on a silent link a little after the server\'s ping interval', () => {
    expect(heartbeatDeadlineMs(5000)).toBe(7500)
    expect(heartbeatDeadlineMs(5000, 1000)).toBe(6000)
  })
})

describe('notes between tabs about the outbox', () => {
  const base = { userId: 'u', clientId: 'c', conversationId: 'k' }
  it('takes the two kinds this app posts and nothing else', () => {
    expect(isOutboxNote({ kind: 'kept', ...base })).toBe(true)
    expect(isOutboxNote({ kind: 'discarded', ...base, threadRootId: null })).toBe(true)
    expect(isOutboxNote({ kind: 'discarded', ...base, threadRootId: 'r' })).toBe(true)
    expect(isOutboxNote({ kind: 'discarded', ...base })).toBe(false)
    expect(isOutboxNote({ kind: 'sent', ...base })).toBe(false)
    expect(isOutboxNote({ kind: 'kept', userId: 'u', clientId: 3, conversationId: 'k' })).toBe(false)
    expect(isOutboxNote('kept')).toBe(false)
    expect(isOutboxNote(null)).toBe(false)
  })
})
