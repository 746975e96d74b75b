import type { ErrorBody } from '#shared/errors'

/** Human text for an ack or API error. */
export function describeError(error: Pick<ErrorBody, 'code' | 'message' | 'details'>): string {
  switch (error.code) {
    case 'RATE_LIMITED':
    case 'SLOW_MODE': {
      const ms = Number(error.details?.retryAfterMs ?? 0)
      return ms ? `${error.code === 'SLOW_MODE' ? 'Slow mode' : 'Too many messages'} — try again in ${Math.ceil(ms / 1000)}s` : error.message
    }
    case 'CONVERSATION_LOCKED': return 'This conversation is locked'
    case 'MUTED': return 'You are muted'
    case 'CONTENT_BLOCKED': {
      const rule = error.details?.rule
      return typeof rule === 'string' && rule ? `Blocked by the rule “${rule}”` : 'Message blocked by the content filter'
    }
    default: return error.message
  }
}
