import type { Socket } from 'socket.io'
import type { z } from 'zod'
import type {
  ClientEventAck, ClientEventName, ClientEventPayload, ClientEventReply, ClientToServerEvents, ServerToClientEvents, SocketData
} from '#shared/events'
import { SOCKET_EVENT_MAX_BYTES } from '#shared/limits'
import { logger } from '../infra/logger'
import { useMetrics } from '../infra/metrics'
import { AppError, toErrorBody } from '../utils/errors'
import type { Actor } from '../domain/actor'

export type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>

/** The actor a socket authenticated as during the handshake. */
const socketActor = (socket: ChatSocket): Actor => ({
  id: socket.data.userId,
  email: '',
  displayName: socket.data.displayName,
  role: socket.data.role,
  avatarUrl: socket.data.avatarUrl,
  tokenExp: socket.data.tokenExp
})

function payloadBytes(payload: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(payload) ?? '')
  } catch {
    return Number.POSITIVE_INFINITY
  }
}

/**
 * Registers one client event: size cap, then the zod schema the event's payload type comes from
 * (a client's types are no guarantee), then the service, then an ack with the contract's
 * `{ ok: true, ... }` or `{ ok: false, error }` shape. The handler must return the event's
 * reply type from shared/events.ts. Handlers stay one line each.
 */
export function onEvent<E extends ClientEventName, S extends z.ZodType<unknown, ClientEventPayload<E>>>(
  socket: ChatSocket,
  event: E,
  schema: S,
  run: (actor: Actor, input: z.output<S>) => Promise<ClientEventReply<E>>
) {
  const listener = async (payload: unknown, ack?: (reply: ClientEventAck<E>) => void) => {
    const reply = typeof ack === 'function' ? ack : () => {}
    try {
      if (payloadBytes(payload) > SOCKET_EVENT_MAX_BYTES) {
        throw new AppError('PAYLOAD_TOO_LARGE', `event payload exceeds ${SOCKET_EVENT_MAX_BYTES} bytes`)
      }
      const result = await run(socketActor(socket), schema.parse(payload))
      reply({ ok: true, ...result })
    } catch (error) {
      const body = toErrorBody(error)
      if (body.code === 'INTERNAL') logger.error({ err: error, event, socketId: socket.id, userId: socket.data.userId }, 'socket event failed')
      useMetrics().errors.inc({ code: body.code })
      reply({ ok: false, error: body })
    }
  }
  ;(socket.on as (e: string, l: typeof listener) => void)(event, listener)
}
