import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Attachment } from '#shared/types'
import { CONVERSATION_ID, ME, conversation, message } from './fixtures'
import { inApp } from './mount'

interface SendPayload { clientId: string, conversationId: string, content: string, attachmentIds?: string[] }

/** Stands in for the server behind the one socket: records every message:send and answers as told. */
function fakeServer() {
  const socket = useSocket()
  const sends: SendPayload[] = []
  let answer: (payload: SendPayload) => Promise<unknown> = async payload =>
    ({ ok: true, duplicate: false, message: message(10 + sends.length, { clientId: payload.clientId, senderId: ME.id, sender: ME, content: payload.content }) })
  const emitWithAck = vi.fn((event: string, payload: SendPayload) => {
    expect(event).toBe('message:send')
    sends.push(payload)
    return answer(payload)
  })
  vi.spyOn(socket, 'timeout').mockReturnValue({ emitWithAck } as unknown as ReturnType<typeof socket.timeout>)
  return {
    sends,
    online(value: boolean) { socket.connected = value },
    answerWith(next: typeof answer) { answer = next }
  }
}

const timeline = () => useMessagesStore().timelineOf(CONVERSATION_ID).messages

describe('outbox', () => {
  beforeEach(() => {
    inApp(() => useSession().signIn('token', ME))
    useConversationsStore().upsertConversation(conversation())
    useMessagesStore().applyLatestPage(CONVERSATION_ID, [], false)
  })
  afterEach(() => {
    useSocket().connected = false
    vi.restoreAllMocks()
  })

  it('holds a message written offline and sends it once, with its clientId, after reconnecting', async () => {
    const server = fakeServer()
    server.online(false)
    inApp(useOutbox).send(CONVERSATION_ID, 'from the tunnel')
    expect(server.sends).toHaveLength(0)
    const clientId = timeline()[0]!.clientId

    server.online(true)
    const outbox = inApp(useOutbox)
    outbox.flush()
    outbox.flush()
    await vi.waitFor(() => expect(timeline()[0]!.status).toBe('sent'))
    expect(server.sends.map(s => s.clientId)).toEqual([clientId])
    expect(timeline()).toHaveLength(1)
  })

  it('keeps a send whose ack was lost with the connection pending, and resends it with the same clientId', async () => {
    const server = fakeServer()
    server.online(true)
    server.answerWith(async () => {
      server.online(false)
      throw new Error('operation has timed out')
    })
    inApp(useOutbox).send(CONVERSATION_ID, 'maybe delivered')
    await vi.waitFor(() => expect(server.sends).toHaveLength(1))
    await vi.waitFor(() => expect(useMessagesStore().sending).toEqual({}))
    expect(timeline()[0]!.status).toBe('pending')

    server.answerWith(async payload => ({ ok: true, duplicate: true, message: message(11, { clientId: payload.clientId, senderId: ME.id, sender: ME }) }))
    server.online(true)
    inApp(useOutbox).flush()
    await vi.waitFor(() => expect(timeline()[0]!.status).toBe('sent'))
    expect(server.sends[1]!.clientId).toBe(server.sends[0]!.clientId)
    expect(timeline()).toHaveLength(1)
  })

  it('marks a refused send as failed with the reason, and retries it with the same clientId', async () => {
    const server = fakeServer()
    server.online(true)
    server.answerWith(async () => ({ ok: false, error: { code: 'MUTED', message: 'muted' } }))
    inApp(useOutbox).send(CONVERSATION_ID, 'let me talk')
    await vi.waitFor(() => expect(timeline()[0]).toMatchObject({ status: 'failed', errorMessage: 'You are muted' }))

    server.answerWith(async payload => ({ ok: true, duplicate: false, message: message(12, { clientId: payload.clientId, senderId: ME.id, sender: ME }) }))
    inApp(useOutbox).retry(timeline()[0]!)
    await vi.waitFor(() => expect(timeline()[0]!.status).toBe('sent'))
    expect(server.sends.map(s => s.clientId)).toEqual([server.sends[0]!.clientId, server.sends[0]!.clientId])
  })

  it('keeps a send pending while the server answers UNAVAILABLE, and resends it with the same clientId until it is stored', async () => {
    const server = fakeServer()
    server.online(true)
    server.answerWith(async () => ({ ok: false, error: { code: 'UNAVAILABLE', message: 'the database is unreachable', details: { retryAfterMs: 50 } } }))
    inApp(useOutbox).send(CONVERSATION_ID, 'during the outage')
    await vi.waitFor(() => expect(server.sends.length).toBeGreaterThanOrEqual(2), { timeout: 3000 })
    expect(timeline()[0]!.status).toBe('pending')

    server.answerWith(async payload => ({ ok: true, duplicate: false, message: message(13, { clientId: payload.clientId, senderId: ME.id, sender: ME }) }))
    await vi.waitFor(() => expect(timeline()[0]!.status).toBe('sent'), { timeout: 3000 })
    expect(new Set(server.sends.map(s => s.clientId)).size).toBe(1)
    expect(timeline()).toHaveLength(1)
  })

  it('retries a send whose ack timed out while connected, with the same clientId, without showing it failed', async () => {
    const server = fakeServer()
    server.online(true)
    server.answerWith(async () => { throw new Error('operation has timed out') })
    inApp(useOutbox).send(CONVERSATION_ID, 'slow server')
    await vi.waitFor(() => expect(server.sends).toHaveLength(1))
    await vi.waitFor(() => expect(useMessagesStore().sending).toEqual({}))
    expect(timeline()[0]!.status).toBe('pending')

    server.answerWith(async payload => ({ ok: true, duplicate: true, message: message(14, { clientId: payload.clientId, senderId: ME.id, sender: ME }) }))
    await vi.waitFor(() => expect(timeline()[0]!.status).toBe('sent'), { timeout: 3000 })
    expect(server.sends.map(s => s.clientId)).toEqual([server.sends[0]!.clientId, server.sends[0]!.clientId])
  })

  it('shows a send as failed once the server has been unavailable for longer than the retry cap', async () => {
    const server = fakeServer()
    server.online(true)
    server.answerWith(async () => ({ ok: false, error: { code: 'UNAVAILABLE', message: 'the database is unreachable', details: { retryAfterMs: 50 } } }))
    const start = Date.now()
    const clock = vi.spyOn(Date, 'now').mockReturnValue(start)
    inApp(useOutbox).send(CONVERSATION_ID, 'a long outage')
    await vi.waitFor(() => expect(server.sends).toHaveLength(1))
    expect(timeline()[0]!.status).toBe('pending')

    clock.mockReturnValue(start + SEND_RETRY_CAP_MS + 1)
    await vi.waitFor(() => expect(timeline()[0]).toMatchObject({ status: 'failed', errorMessage: 'the database is unreachable' }), { timeout: 3000 })
    expect(server.sends).toHaveLength(2)
  })

  it('sends files alone with empty text and their ids, and invents no text for them', async () => {
    const server = fakeServer()
    server.online(true)
    const file: Attachment = { id: crypto.randomUUID(), fileName: 'plan.pdf', mimeType: 'application/pdf', sizeBytes: 10, url: '/a', thumbnailUrl: null }
    inApp(useOutbox).send(CONVERSATION_ID, '', [file])
    await vi.waitFor(() => expect(server.sends).toHaveLength(1))
    expect(server.sends[0]).toMatchObject({ content: '', attachmentIds: [file.id] })
  })

  it('sends nothing without text or files', () => {
    const server = fakeServer()
    server.online(true)
    inApp(useOutbox).send(CONVERSATION_ID, '')
    expect(server.sends).toHaveLength(0)
    expect(timeline()).toHaveLength(0)
  })
})
