import { Writable } from 'node:stream'
import { DrizzleQueryError } from 'drizzle-orm/errors'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../../server/infra/logger'

function capture() {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString())
      done()
    }
  })
  return { log: createLogger(stream, 'debug'), text: () => lines.join('') }
}

describe('logger redaction', () => {
  it('drops the content a failed query carried, in the error and its message', () => {
    const { log, text } = capture()
    const cause = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { parameters: ['private words', 'x'] })
    log.error({ err: new DrizzleQueryError('insert into "messages" ("content") values ($1)', ['private words\nline two', 'id'], cause) }, 'api request failed')
    const out = text()
    expect(out).toContain('insert into')
    expect(out).toContain('invalid byte sequence')
    expect(out).not.toContain('private words')
    expect(out).not.toContain('line two')
  })

  it('drops tokens from URLs, bearer strings, JWTs and secret fields', () => {
    const { log, text } = capture()
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl'
    log.warn({ url: '/api/attachments/1?token=u.123.sig-secret&x=1', headers: { authorization: 'Bearer abc.def', cookie: 'sid=cookie-secret' }, accessToken: 'at-secret', body: { refreshToken: 'rt-secret', content: 'hello there' } }, `failed with ${jwt}`)
    log.error({ err: new Error('fetch https://x/y?token=err-secret failed for Bearer bearer-secret') })
    log.error(new Error('bare ?token=bare-secret'))
    const out = text()
    for (const secret of ['sig-secret', 'abc.def', 'cookie-secret', 'at-secret', 'rt-secret', 'hello there', jwt, 'err-secret', 'bearer-secret', 'bare-secret']) {
      expect(out).not.toContain(secret)
    }
    expect(out).toContain('/api/attachments/1?token=[redacted]&x=1')
  })
})
