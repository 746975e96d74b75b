import type { H3Event } from 'h3'
import pino, { type DestinationStream, type Logger } from 'pino'

const REDACTED = '[redacted]'

/**
 * Secrets and message text that can hide inside free text: download links' `?token=`, bearer
 * headers copied into messages, raw JWTs, and the `params:` line drizzle appends to a failed
 * query (it carries the message content being written).
 */
const TEXT_SECRETS: [RegExp, string][] = [
  [/([?&](?:token|access_token|refresh_token|code)=)[^&#\s"'<>]*/gi, `$1${REDACTED}`],
  [/(bearer\s+)[\w.~+/=-]+/gi, `$1${REDACTED}`],
  [/\beyJ[\w-]*\.[\w-]*\.[\w-]*/g, REDACTED],
  [/(\bparams: )[\s\S]*?(?=\n\s+at |$)/g, `$1${REDACTED}`]
]

/** Fields whose value is never logged, whatever object they sit in. */
const SECRET_KEY = /^(authorization|cookie|set-cookie|token|access_?token|refresh_?token|password|content|content_?html|params|parameters)$/i

/** Whatever TEXT_SECRETS matches contains one of these (case aside): most texts need no replacing. */
const MAY_HOLD_SECRET = /[?&](?:token|access_token|refresh_token|code)=|bearer\s|eyJ|params: /i

export function scrubText(text: string): string {
  if (!MAY_HOLD_SECRET.test(text)) return text
  return TEXT_SECRETS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text)
}

/** A copy of `value` with secret fields replaced and free text scrubbed (depth-bounded). */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value)
  if (value === null || typeof value !== 'object' || depth > 8) return value
  if (Array.isArray(value)) return value.map(item => scrub(item, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) ? REDACTED : scrub(item, depth + 1)
  }
  return out
}

/** A request path or URL without its secrets, for log lines. */
export const scrubUrl = (url: string) => scrubText(url)

/**
 * The server's one logger: JSON lines on stdout, level from LOG_LEVEL (default info). Errors are
 * serialized with their cause chain, then scrubbed; every other field goes through `scrub` too,
 * so a call site cannot leak a token or a message body by passing the wrong object.
 */
export function createLogger(destination?: DestinationStream, level = process.env.LOG_LEVEL || 'info'): Logger {
  return pino({
    level,
    base: { pid: process.pid },
    serializers: {
      err: (error: unknown) => scrub(error instanceof Error ? pino.stdSerializers.errWithCause(error) : error)
    },
    formatters: {
      log: (fields: Record<string, unknown>) => Object.fromEntries(Object.entries(fields).map(([key, value]) =>
        [key, key === 'err' ? value : SECRET_KEY.test(key) ? REDACTED : scrub(value)]))
    },
    hooks: {
      // Messages are written at call sites, but may interpolate a path or an error text.
      logMethod(args, method) {
        const [first, ...rest] = args as unknown[]
        const fields = first instanceof Error ? { err: first } : first
        const err = (fields as { err?: unknown } | null)?.err
        // Without a message pino would use the error's own, skipping the scrubbing.
        const normalized = rest.length === 0 && err instanceof Error ? [fields, err.message] : first instanceof Error ? [fields, ...rest] : args
        method.apply(this, normalized.map(arg => (typeof arg === 'string' ? scrubText(arg) : arg)) as Parameters<typeof method>)
      }
    }
  }, destination)
}

export const logger: Logger = createLogger()

declare module 'h3' {
  interface H3EventContext {
    requestId?: string
    log?: Logger
  }
}

/** The request's logger, carrying its id (the bare logger before the request-id middleware ran). */
export const requestLog = (event: H3Event): Logger => event.context.log ?? logger
