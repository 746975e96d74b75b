/** The one connection state every part of the UI reads (stores/connection.ts). */
export type ConnectionState = 'online' | 'reconnecting' | 'offline'

/**
 * online: the socket is up. offline: the browser says it has no network. reconnecting: the
 * network is there but the socket is not (yet) — the server is unreachable or a heartbeat was missed.
 */
export function connectionState(input: { socketConnected: boolean, browserOnline: boolean }): ConnectionState {
  if (input.socketConnected) return 'online'
  return input.browserOnline ? 'reconnecting' : 'offline'
}

/** Silence on the socket longer than this (the server pings every `pingIntervalMs`) means the link is dead. */
export function heartbeatDeadlineMs(pingIntervalMs: number, graceMs = 2500): number {
  return pingIntervalMs + graceMs
}
