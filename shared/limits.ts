/** Defaults shared by the browser and the server; the server may override them from env. */
export const DEFAULT_MAX_MESSAGE_LENGTH = 5000
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 30
export const HISTORY_PAGE_DEFAULT = 50
export const HISTORY_PAGE_MAX = 100
export const SYNC_PAGE_MAX = 200
/** Largest socket event payload a handler accepts, in bytes of JSON. */
export const SOCKET_EVENT_MAX_BYTES = 64 * 1024
export const TYPING_EXPIRY_MS = 5000
/**
 * Most conversations one sync:request may name. The client asks for every conversation it has
 * loaded; past this it sends several requests.
 */
export const SYNC_REQUEST_MAX_CONVERSATIONS = 100
/** A user's typing:start reaches a conversation at most once per this interval. */
export const TYPING_START_INTERVAL_MS = 1000
/** Largest upload in bytes unless the server sets UPLOAD_MAX_BYTES (25 MiB). */
export const DEFAULT_UPLOAD_MAX_BYTES = 25 * 1024 * 1024
/**
 * The server pings every socket this often and drops one that does not answer within the timeout;
 * the client treats silence past the interval (plus a grace) as a dead link. Was 25 s + 20 s: a
 * lost connection took ~45 s to notice.
 */
export const SOCKET_PING_INTERVAL_MS = 5000
export const SOCKET_PING_TIMEOUT_MS = 5000
