import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { forgetDevice, outboxEntries, putOutboxEntry } from '~/utils/offline/offline-db'
import { CONVERSATION_ID, ME, conversation, message } from './fixtures'
import { inApp } from './mount'

interface SendPayload { clientId: string, conversationId: string, content: string }

/** The server behind the one socket: records every message:send and answers as told. */
function fakeServer() {
  const socket = useSocket()
  const sends: SendPayload[] = []
  let answer: (payload: SendPayload) => Promise<unknown> = async payload =>
    ({ ok: true, duplicate: false, message: message(20 + sends.length, { clientId: payload.clientId, senderId: ME.id, sender: ME, content: payload.content }) })
  const emitWithAck = vi.fn((_event: string, payload: SendPayload) => {
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
const onDevice = async () => (await outboxEntries(ME.id)).sort((a, b) => a.createdAt.localeCompare(b.createdAt))

/** A reload: the chat state of this tab is gone, the device's outbox stays. */
function reload() {
  inApp(() => useSession().signIn('token', ME))
  useConversationsStore().upsertConversation(conversation())
}

describe('outbox on the device (IndexedDB)', () => {
  beforeEach(async () => {
    await forgetDevice({ keepOutbox: false })
    reload()
    useMessagesStore().applyLatestPage(CONVERSATION_ID, [], false)
  })
  afterEach(() => {
    useSocket().connected = false
    vi.restoreAllMocks()
  })

  it('keeps a message written offline across a reload and sends it once, with its clientId, on reconnect', async () => {
    const server = fakeServer()
    server.online(false)
    inApp(useOutbox).send(CONVERSATION_ID, 'written offline')
    const clientId = timeline()[0]!.clientId
    await vi.waitFor(async () => expect((await onDevice()).map(e => e.clientId)).toEqual([clientId]))

    reload()
    expect(timeline()).toHaveLength(0)
    await inApp(useOutbox).restore()
    expect(timeline()).toEqual([expect.objectContaining({ clientId, content: 'written offline', status: 'pending', seq: 0 })])

    server.online(true)
    await inApp(useOutbox).flush()
    await vi.waitFor(() => expect(timeline()[0]!.status).toBe('sent'))
    expect(server.sends.map(s => s.clientId)).toEqual([clientId])
    await vi.waitFor(async () => expect(await onDevice()).toEqual([]))
  })

  it('sends what waited in the order it was written, one at a time', async () => {
    const server = fakeServer()
    server.online(false)
    const outbox = inApp(useOutbox)
    for (const text of ['first', 'second', 'third']) {
      outbox.send(CONVERSATION_ID, text)
      await new Promise(resolve => setTimeout(resolve, 2))
    }
    await vi.waitFor(async () => expect(await onDevice()).toHaveLength(3))
    reload()
    let inFlight = 0
    let most = 0
    server.answerWith(async (payload) => {
      most = Math.max(most, ++inFlight)
      await new Promise(resolve => setTimeout(resolve, 5))
      inFlight--
      return { ok: true, duplicate: false, message: message(30 + server.sends.length, { clientId: payload.clientId, senderId: ME.id, sender: ME, content: payload.content }) }
    })
    server.online(true)
    await inApp(useOutbox).flush()
    expect(server.sends.map(s => s.content)).toEqual(['first', 'second', 'third'])
    expect(most).toBe(1)
    expect(await onDevice()).toEqual([])
  })

  it('does not send again what the server already has (its copy came in while offline)', async () => {
    const server = fakeServer()
    server.online(false)
    inApp(useOutbox).send(CONVERSATION_ID, 'maybe delivered')
    const clientId = timeline()[0]!.clientId
    await vi.waitFor(async () => expect(await onDevice()).toHaveLength(1))
    reload()
    useMessagesStore().applyLatestPage(CONVERSATION_ID, [message(40, { clientId, senderId: ME.id, sender: ME, content: 'maybe delivered' })], false)
    server.online(true)
    await inApp(useOutbox).flush()
    expect(server.sends).toHaveLength(0)
    expect(timeline()).toHaveLength(1)
    await vi.waitFor(async () => expect(await onDevice()).toEqual([]))
  })

  it('keeps a refused send as failed on the device until the member discards it', async () => {
    const server = fakeServer()
    server.online(true)
    server.answerWith(async () => ({ ok: false, error: { code: 'MUTED', message: 'muted' } }))
    inApp(useOutbox).send(CONVERSATION_ID, 'let me talk')
    await vi.waitFor(async () => expect(await onDevice()).toEqual([expect.objectContaining({ status: 'failed', errorMessage: 'You are muted' })]))

    reload()
    await inApp(useOutbox).restore()
    expect(timeline()[0]).toMatchObject({ status: 'failed', errorMessage: 'You are muted' })
    await inApp(useOutbox).flush()
    expect(server.sends).toHaveLength(1)

    inApp(useOutbox).discard(timeline()[0]!)
    expect(timeline()).toHaveLength(0)
    await vi.waitFor(async () => expect(await onDevice()).toEqual([]))
  })
})

describe('the outbox across tabs of one browser', () => {
  const sibling = new BroadcastChannel('chat-outbox')
  const heard: unknown[] = []
  sibling.addEventListener('message', ({ data }) => heard.push(data))
  let stop = () => {}

  beforeEach(async () => {
    await forgetDevice({ keepOutbox: false })
    reload()
    useMessagesStore().applyLatestPage(CONVERSATION_ID, [], false)
    heard.length = 0
    stop = inApp(useOutbox).listenToOtherTabs()
  })
  afterEach(() => {
    stop()
    useSocket().connected = false
    vi.restoreAllMocks()
  })

  /** What another tab does when the member writes offline there: the device entry, then the note. */
  async function queuedInAnotherTab(content: string, userId = ME.id) {
    const clientId = crypto.randomUUID()
    await putOutboxEntry({ clientId, userId, conversationId: CONVERSATION_ID, content, threadRootId: null, alsoToConversation: false, replyTo: null, attachments: [], createdAt: new Date().toISOString(), status: 'pending' })
    sibling.postMessage({ kind: 'kept', userId, clientId, conversationId: CONVERSATION_ID })
    return clientId
  }

  it('tells the other tabs once a message queued offline is on the device', async () => {
    fakeServer().online(false)
    inApp(useOutbox).send(CONVERSATION_ID, 'typed in this tab')
    const clientId = timeline()[0]!.clientId
    await vi.waitFor(() => expect(heard).toEqual([{ kind: 'kept', userId: ME.id, clientId, conversationId: CONVERSATION_ID }]))
    expect((await onDevice()).map(e => e.clientId)).toEqual([clientId])
  })

  it('shows a message queued in another tab at once as pending, and once when its server copy arrives', async () => {
    const server = fakeServer()
    server.online(false)
    const clientId = await queuedInAnotherTab('typed in the other tab')
    await vi.waitFor(() => expect(timeline()).toEqual([expect.objectContaining({ clientId, content: 'typed in the other tab', status: 'pending', seq: 0 })]))
    // The other tab sent it: its server copy replaces the local one here.
    useMessagesStore().receiveNew(message(50, { clientId, senderId: ME.id, sender: ME, content: 'typed in the other tab' }), ME.id)
    expect(timeline()).toEqual([expect.objectContaining({ clientId, seq: 50, status: 'sent' })])
    // A late note for the same send changes nothing.
    sibling.postMessage({ kind: 'kept', userId: ME.id, clientId, conversationId: CONVERSATION_ID })
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(timeline()).toHaveLength(1)
    expect(server.sends).toHaveLength(0)
  })

  it('follows a failure and a discard made in another tab, and ignores another member\'s notes', async () => {
    fakeServer().online(false)
    const clientId = await queuedInAnotherTab('refused later')
    await vi.waitFor(() => expect(timeline()).toHaveLength(1))
    const [entry] = await onDevice()
    await putOutboxEntry({ ...entry!, status: 'failed', errorMessage: 'You are muted' })
    sibling.postMessage({ kind: 'kept', userId: ME.id, clientId, conversationId: CONVERSATION_ID })
    await vi.waitFor(() => expect(timeline()[0]).toMatchObject({ status: 'failed', errorMessage: 'You are muted' }))
    sibling.postMessage({ kind: 'discarded', userId: ME.id, clientId, conversationId: CONVERSATION_ID, threadRootId: null })
    await vi.waitFor(() => expect(timeline()).toHaveLength(0))

    // Someone else signed in here before: their queue is not shown to this member.
    await queuedInAnotherTab('not mine', '00000000-0000-4000-8000-0000000000ee')
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(timeline()).toHaveLength(0)
  })
})
