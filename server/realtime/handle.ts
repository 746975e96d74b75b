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

/** One client event's validation and service call, shared by every socket. */
interface Route {
  schema: z.ZodType
  run: (actor: Actor, input: unknown, socket: ChatSocket) => Promise<object>
}

// One table for the whole process: a socket carries no listener closures of its own (at 20,000 idle
// sockets, one closure and context per event per socket was kilobytes each), only the dispatcher.
const routes = new Map<string, Route>()

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
 * Registers one client event for every socket: size cap, then the zod schema the event's payload
 * type comes from (a client's types are no guarantee), then the service, then an ack with the
 * contract's `{ ok: true, ... }` or `{ ok: false, error }` shape. The handler must return the
 * event's reply type from shared/events.ts. Handlers stay one line each.
 */
export function onEvent<E extends ClientEventName, S extends z.ZodType<unknown, ClientEventPayload<E>>>(
  event: E,
  schema: S,
  run: (actor: Actor, input: z.output<S>, socket: ChatSocket) => Promise<ClientEventReply<E>>
) {
  routes.set(event, { schema, run: run as Route['run'] })
}

async function handle(socket: ChatSocket, event: string, route: Route, payload: unknown, ack: unknown) {
  const reply = typeof ack === 'function' ? ack as (reply: ClientEventAck<ClientEventName>) => void : () => {}
  try {
    if (payloadBytes(payload) > SOCKET_EVENT_MAX_BYTES) {
      throw new AppError('PAYLOAD_TOO_LARGE', `event payload exceeds ${SOCKET_EVENT_MAX_BYTES} bytes`)
    }
    const result = await route.run(socketActor(socket), route.schema.parse(payload), socket)
    reply({ ok: true, ...result } as ClientEventAck<ClientEventName>)
  } catch (error) {
    const body = toErrorBody(error)
    if (body.code === 'INTERNAL') logger.error({ err: error, event, socketId: socket.id, userId: socket.data.userId }, 'socket event failed')
    useMetrics().errors.inc({ code: body.code })
    reply({ ok: false, error: body })
  }
}

/**
 * The one listener of every socket (`socket.onAny`, which Socket.IO calls with the socket as `this`
 * and the event's arguments, an ack function last when the client asked for one). Events without a
 * registered route are ignored, as they were without a listener.
 */
export function dispatchEvent(this: ChatSocket, event: unknown, payload?: unknown, ack?: unknown): void {
  const route = typeof event === 'string' ? routes.get(event) : undefined
  if (route) void handle(this, event as string, route, payload, ack)
}
