import { H3Error } from 'h3'
import { ZodError } from 'zod'
import { ERROR_STATUS, type ErrorBody, type ErrorCode } from '#shared/errors'
import { RETRY_AFTER_MS, reportDatabaseFailure } from '../db/availability'

/** A domain error carrying a contract code; adapters turn it into an HTTP response or a socket ack. */
export class AppError extends Error {
  constructor(readonly code: ErrorCode, message: string, readonly details?: Record<string, unknown>) {
    super(message)
    this.name = 'AppError'
  }

  get status() {
    return ERROR_STATUS[this.code]
  }
}

/** Turns a zod failure into VALIDATION with the offending fields named. */
function validationError(error: ZodError): AppError {
  const fields = error.issues.map(issue => ({ field: issue.path.join('.') || '(body)', message: issue.message }))
  const first = fields[0]
  return new AppError('VALIDATION', first ? `${first.field}: ${first.message}` : 'invalid input', { fields })
}

/** h3's readBody refuses a body that does not parse with this message (h3 1.15). */
const H3_INVALID_JSON = 'Invalid JSON body'

/**
 * Maps anything thrown by a service or a route to a contract error body. h3's validators
 * (`getValidatedRouterParams`, `getValidatedQuery`, `readValidatedBody`) wrap what the schema
 * threw in an H3Error's `data`; a body that is not JSON is VALIDATION too. A database that cannot
 * be reached is UNAVAILABLE (retryable), and opens the breaker for the requests after this one.
 */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof AppError) return { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) }
  if (reportDatabaseFailure(error)) return { code: 'UNAVAILABLE', message: 'the database is unreachable, try again shortly', details: { retryAfterMs: RETRY_AFTER_MS } }
  if (error instanceof ZodError) return toErrorBody(validationError(error))
  if (error instanceof H3Error) {
    if (error.data instanceof ZodError || error.data instanceof AppError) return toErrorBody(error.data)
    if (error.statusCode === 400 && error.message === H3_INVALID_JSON) {
      return { code: 'VALIDATION', message: 'body must be JSON', details: { fields: [{ field: '(body)', message: 'invalid JSON' }] } }
    }
  }
  return { code: 'INTERNAL', message: 'internal error' }
}

/** Parses input with a zod schema, throwing VALIDATION that names the fields. */
export function parseInput<T>(schema: { safeParse: (v: unknown) => { success: true, data: T } | { success: false, error: ZodError } }, input: unknown): T {
  const result = schema.safeParse(input)
  if (!result.success) throw validationError(result.error)
  return result.data
}
