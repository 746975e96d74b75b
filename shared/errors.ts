/** Contract error codes and the HTTP status each one maps to. */
export const ERROR_STATUS = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  VALIDATION: 400,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  SLOW_MODE: 429,
  CONTENT_BLOCKED: 422,
  CONVERSATION_LOCKED: 423,
  MUTED: 403,
  CONFLICT: 409,
  /** A dependency the request needs (the database) is down: retry after `details.retryAfterMs`. */
  UNAVAILABLE: 503,
  INTERNAL: 500
} as const

export type ErrorCode = keyof typeof ERROR_STATUS

export interface ErrorBody {
  code: ErrorCode
  message: string
  details?: Record<string, unknown>
}

export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false, error: ErrorBody }
