import type { ErrorBody } from '#shared/errors'

type Coded = Pick<ErrorBody, 'code' | 'message' | 'details'>

/** An ack's error body or an ApiError (both carry the contract's code and message). */
function codedOf(error: unknown): Coded | null {
  if (typeof error !== 'object' || error === null) return null
  const { code, message } = error as { code?: unknown, message?: unknown }
  return typeof code === 'string' && typeof message === 'string' ? error as Coded : null
}

/** Human text for an ack error, an API error or anything else thrown: the client's one wording of failures. */
export function describeError(error: unknown): string {
  const coded = codedOf(error)
  if (!coded) return error instanceof Error && error.message ? error.message : 'Something went wrong'
  switch (coded.code) {
    case 'RATE_LIMITED':
    case 'SLOW_MODE': {
      const ms = Number(coded.details?.retryAfterMs ?? 0)
      return ms ? `${coded.code === 'SLOW_MODE' ? 'Slow mode' : 'Too many messages'} — try again in ${Math.ceil(ms / 1000)}s` : coded.message
    }
    case 'CONVERSATION_LOCKED': return 'This conversation is locked'
    case 'MUTED': return 'You are muted'
    case 'CONTENT_BLOCKED': {
      const rule = coded.details?.rule
      return typeof rule === 'string' && rule ? `Blocked by the rule “${rule}”` : 'Message blocked by the content filter'
    }
    default: return coded.message
  }
}
