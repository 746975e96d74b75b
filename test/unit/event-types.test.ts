import type { Socket } from 'socket.io-client'
import { describe, expectTypeOf, it } from 'vitest'
import type { ClientEventAck, ClientEventPayload, ClientToServerEvents, ServerToClientEvents } from '#shared/events'
import type { Message } from '#shared/types'

// Checked by `nuxt typecheck` (at run time vitest's type assertions do nothing): the shared event
// maps give a typed socket its payload and ack types, so callers need no casts.
type ChatClient = Socket<ServerToClientEvents, ClientToServerEvents>

/** Never called: the assertions read its type. */
const sendFiles = (socket: ChatClient) => socket.emitWithAck('message:send', { clientId: '', conversationId: '', content: '', attachmentIds: [''] })

describe('client event types', () => {
  it('answers message:send with the message and duplicate flag, or an error', () => {
    expectTypeOf(sendFiles).returns.resolves.toEqualTypeOf<ClientEventAck<'message:send'>>()
    expectTypeOf<Extract<ClientEventAck<'message:send'>, { ok: true }>['message']>().toEqualTypeOf<Message>()
  })

  it('takes the payloads the server\'s schemas accept', () => {
    expectTypeOf<ClientEventPayload<'presence:update'>>().toEqualTypeOf<{ status: 'online' | 'away' | 'dnd', auto?: boolean | undefined }>()
    expectTypeOf<ClientEventPayload<'message:send'>>().toHaveProperty('attachmentIds')
  })
})
