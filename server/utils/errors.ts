import { ZodError } from 'zod'
import { ERROR_STATUS, type ErrorBody, type ErrorCode } from '#shared/errors'

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
export function validationError(error: ZodError): AppError {
  const fields = error.issues.map(issue => ({ field: issue.path.join('.') || '(body)', message: issue.message }))
  const first = fields[0]
  return new AppError('VALIDATION', first ? `${first.field}: ${first.message}` : 'invalid input', { fields })
}

/** Maps anything thrown by a service to a contract error body. */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof AppError) return { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) }
  if (error instanceof ZodError) return toErrorBody(validationError(error))
  return { code: 'INTERNAL', message: 'internal error' }
}

/** Parses input with a zod schema, throwing VALIDATION that names the fields. */
export function parseInput<T>(schema: { safeParse: (v: unknown) => { success: true, data: T } | { success: false, error: ZodError } }, input: unknown): T {
  const result = schema.safeParse(input)
  if (!result.success) throw validationError(result.error)
  return result.data
}
