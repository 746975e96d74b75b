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
