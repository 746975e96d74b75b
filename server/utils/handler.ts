import type { EventHandlerRequest, H3Event } from 'h3'
import { defineEventHandler, setResponseStatus } from 'h3'
import type { z } from 'zod'
import { ERROR_STATUS } from '#shared/errors'
import { requestLog, scrubUrl } from '../infra/logger'
import { useMetrics } from '../infra/metrics'
import { toErrorBody } from './errors'

/** Wraps a route so thrown domain errors become the contract's `{ error: { code, message, details } }`. */
export function defineApiHandler<T>(handler: (event: H3Event<EventHandlerRequest>) => Promise<T>) {
  return defineEventHandler(async (event) => {
    try {
      return await handler(event)
    } catch (error) {
      const body = toErrorBody(error)
      if (body.code === 'INTERNAL') requestLog(event).error({ err: error, method: event.method, url: scrubUrl(event.path) }, 'api request failed')
      useMetrics().errors.inc({ code: body.code })
      setResponseStatus(event, ERROR_STATUS[body.code])
      return { error: body }
    }
  })
}

/**
 * The validator to hand h3's `readValidatedBody`: a request without a body reads as `{}`, so
 * defaults apply and each missing field is named. Zod's failure becomes VALIDATION in toErrorBody.
 */
export function bodyOf<S extends z.ZodType>(schema: S): (body: unknown) => z.output<S> {
  return body => schema.parse(body ?? {})
}
