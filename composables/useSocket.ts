import type { Socket } from 'socket.io-client'
import type { ErrorBody } from '#shared/errors'
import type { ClientToServerEvents, ServerToClientEvents } from '#shared/events'

/** Server events plus the session notice the server sends outside the shared map. */
export interface ClientListenEvents extends ServerToClientEvents {
  'session:expired': (payload: ErrorBody) => void
}

export type ChatSocket = Socket<ClientListenEvents, ClientToServerEvents>

/** The one Socket.IO client, created by plugins/socket.client.ts. */
export function useSocket(): ChatSocket {
  return useNuxtApp().$socket
}
