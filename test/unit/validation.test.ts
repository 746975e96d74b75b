import { createError } from 'h3'
import { describe, expect, it } from 'vitest'
import { historyQuerySchema, sendMessageEventSchema, syncRequestSchema } from '#shared/schemas'
import { AppError, parseInput, toErrorBody } from '../../server/utils/errors'

const clientId = '6f1c2f7e-2b1a-4c3d-9e8f-0a1b2c3d4e5f'
const conversationId = '0d3b1b6a-7c1e-4f2a-8b9c-1d2e3f4a5b6c'

describe('message input', () => {
  it('trims content and keeps it when 1..5000 characters remain', () => {
    const data = parseInput(sendMessageEventSchema(), { clientId, conversationId, content: '  hi  ' })
    expect(data.content).toBe('hi')
  })

  it('names the field of every problem', () => {
    try {
      parseInput(sendMessageEventSchema(), { clientId: 'x', conversationId, content: ' ' })
      expect.unreachable()
    } catch (error) {
      const body = toErrorBody(error)
      expect(body.code).toBe('VALIDATION')
      expect((body.details!.fields as { field: string }[]).map(f => f.field).sort()).toEqual(['clientId', 'content'])
    }
  })

  it('takes files without text, and refuses a send with neither', () => {
    const attachmentIds = ['9b2f8d4e-1c3a-4e5f-8a7b-6c5d4e3f2a1b']
    expect(parseInput(sendMessageEventSchema(), { clientId, conversationId, content: ' \n ', attachmentIds }).content).toBe('')
    for (const input of [{ content: '' }, { content: '  ', attachmentIds: [] }]) {
      const body = toErrorBody(sendMessageEventSchema().safeParse({ clientId, conversationId, ...input }).error)
      expect([body.code, (body.details!.fields as { field: string }[]).map(f => f.field)]).toEqual(['VALIDATION', ['content']])
    }
  })

  it('honours a configured maximum length', () => {
    expect(() => parseInput(sendMessageEventSchema(10), { clientId, conversationId, content: 'x'.repeat(11) })).toThrow(AppError)
    expect(parseInput(sendMessageEventSchema(10), { clientId, conversationId, content: 'x'.repeat(10) }).content).toHaveLength(10)
  })
})

describe('history query', () => {
  it('defaults to 50 and caps at 100', () => {
    expect(parseInput(historyQuerySchema, {}).limit).toBe(50)
    expect(parseInput(historyQuerySchema, { limit: '100' }).limit).toBe(100)
    expect(() => parseInput(historyQuerySchema, { limit: '101' })).toThrow(AppError)
  })

  it('refuses beforeSeq and afterSeq together', () => {
    expect(() => parseInput(historyQuerySchema, { beforeSeq: '5', afterSeq: '1' })).toThrow(/beforeSeq/)
  })
})

describe('sync request', () => {
  it('accepts cursors and rejects negative ones', () => {
    expect(parseInput(syncRequestSchema, { conversations: [{ conversationId, afterSeq: 0 }] }).conversations).toHaveLength(1)
    expect(() => parseInput(syncRequestSchema, { conversations: [{ conversationId, afterSeq: -1 }] })).toThrow(AppError)
  })
})

describe('error bodies', () => {
  it('hides unexpected errors behind INTERNAL', () => {
    expect(toErrorBody(new Error('db password is hunter2'))).toEqual({ code: 'INTERNAL', message: 'internal error' })
  })

  it('reports what h3\'s validators refused as VALIDATION naming the fields', () => {
    const refused = historyQuerySchema.safeParse({ limit: '0' }).error
    const wrapped = createError({ status: 400, statusMessage: 'Validation Error', data: refused })
    expect(toErrorBody(wrapped)).toEqual(toErrorBody(refused))
    expect(toErrorBody(wrapped).details).toEqual({ fields: [{ field: 'limit', message: expect.any(String) }] })
    const notJson = createError({ statusCode: 400, statusMessage: 'Bad Request', message: 'Invalid JSON body' })
    expect(toErrorBody(notJson)).toMatchObject({ code: 'VALIDATION', details: { fields: [{ field: '(body)' }] } })
    expect(toErrorBody(createError({ statusCode: 502, message: 'upstream' })).code).toBe('INTERNAL')
  })

  it('carries details such as retryAfterMs', () => {
    const error = new AppError('RATE_LIMITED', 'slow down', { retryAfterMs: 1200 })
    expect(error.status).toBe(429)
    expect(toErrorBody(error)).toEqual({ code: 'RATE_LIMITED', message: 'slow down', details: { retryAfterMs: 1200 } })
  })
})
