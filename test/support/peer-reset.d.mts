/** Connects, writes `bytes`, then resets the connection after `afterMs` or once the answer contains `until`. */
export declare function writeThenReset(url: URL, bytes: string | Buffer, options?: { afterMs?: number, until?: string, timeoutMs?: number }): Promise<string>
/** Every way a peer can vanish that the chat's transports meet, by name. */
export declare const PEER_RESETS: Record<string, (base: URL) => Promise<unknown>>
