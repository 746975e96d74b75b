import type { Socket } from 'socket.io-client'
import type { ClientToServerEvents, ServerToClientEvents } from '#shared/events'

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>

/** How long an emit waits for its ack before it counts as unanswered. */
export const ACK_TIMEOUT_MS = 10_000

/** The one Socket.IO client, created by plugins/socket.client.ts. */
export function useSocket(): ChatSocket {
  return useNuxtApp().$socket
}
