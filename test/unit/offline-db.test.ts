import 'fake-indexeddb/auto'
import { beforeEach, describe, expect, it } from 'vitest'
import type { User } from '#shared/types'
import {
  deleteOutboxEntry, forgetDevice, hasOutboxEntry, outboxEntries, putOutboxEntry, readCachedPage, readCachedSidebar,
  rememberedUser, rememberUser, saveCachedPage, saveCachedSidebar
} from '../../utils/offline/offline-db'
import type { OutboxEntry } from '../../utils/offline/outbox-entries'

const entry = (clientId: string, userId = 'u1'): OutboxEntry => ({
  clientId, userId, conversationId: 'c1', content: clientId, threadRootId: null, alsoToConversation: false, replyTo: null,
  attachments: [], createdAt: new Date().toISOString(), status: 'pending'
})
const user: User = { id: 'u1', email: 'me@example.com', displayName: 'Me', avatarUrl: null, role: 'member' } as User

describe('the device store (IndexedDB)', () => {
  beforeEach(() => forgetDevice({ keepOutbox: false }))

  it('keeps unsent messages per member until they are acked', async () => {
    await putOutboxEntry(entry('a'))
    await putOutboxEntry(entry('b'))
    await putOutboxEntry(entry('z', 'someone-else'))
    expect((await outboxEntries('u1')).map(e => e.clientId).sort()).toEqual(['a', 'b'])
    await deleteOutboxEntry('a')
    expect(await hasOutboxEntry('a')).toBe(false)
    expect(await hasOutboxEntry('b')).toBe(true)
  })

  it('rewrites an entry with the same clientId instead of adding another', async () => {
    await putOutboxEntry(entry('a'))
    await putOutboxEntry({ ...entry('a'), status: 'failed', errorMessage: 'You are muted' })
    expect(await outboxEntries('u1')).toEqual([expect.objectContaining({ clientId: 'a', status: 'failed', errorMessage: 'You are muted' })])
  })

  it('keeps the newest page of the ten most recently saved conversations, for their member only', async () => {
    for (let i = 0; i < 12; i++) {
      await saveCachedPage({ conversationId: `c${i}`, userId: 'u1', messages: [], hasMore: false, savedAt: 1000 + i })
    }
    expect(await readCachedPage('c0', 'u1')).toBeNull()
    expect(await readCachedPage('c1', 'u1')).toBeNull()
    expect(await readCachedPage('c11', 'u1')).toMatchObject({ conversationId: 'c11' })
    expect(await readCachedPage('c11', 'u2')).toBeNull()
  })

  it('remembers the member and their sidebar, and forgets them on sign-out (unsent messages kept only when asked)', async () => {
    await rememberUser(user)
    await saveCachedSidebar({ userId: 'u1', projects: [], projectId: null, conversations: [], savedAt: 1 })
    await putOutboxEntry(entry('a'))
    expect(await rememberedUser()).toEqual(user)
    expect(await readCachedSidebar('u1')).toMatchObject({ userId: 'u1' })

    await forgetDevice({ keepOutbox: true })
    expect(await rememberedUser()).toBeNull()
    expect(await readCachedSidebar('u1')).toBeNull()
    expect(await outboxEntries('u1')).toHaveLength(1)

    await forgetDevice({ keepOutbox: false })
    expect(await outboxEntries('u1')).toHaveLength(0)
  })
})
