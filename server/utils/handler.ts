import type { EventHandlerRequest, H3Event } from 'h3'
import { defineEventHandler, getRouterParams, readBody, setResponseStatus } from 'h3'
import { ERROR_STATUS } from '#shared/errors'
import { requestLog, scrubUrl } from '../infra/logger'
import { useMetrics } from '../infra/metrics'
import { AppError, parseInput, toErrorBody } from './errors'

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

/** The JSON body, or VALIDATION when it is not JSON. */
export async function readJson(event: H3Event): Promise<unknown> {
  try {
    return (await readBody(event)) ?? {}
  } catch {
    throw new AppError('VALIDATION', 'body must be JSON', { fields: [{ field: '(body)', message: 'invalid JSON' }] })
  }
}

/** Route params checked against a zod schema (ids must be UUIDs). */
export function readParams<T>(event: H3Event, schema: Parameters<typeof parseInput<T>>[0]): T {
  return parseInput(schema, getRouterParams(event, { decode: true }))
}
