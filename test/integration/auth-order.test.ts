import { describe, expect, it } from 'vitest'
import { api, baseUrl, signUp } from '../support/helpers'

// Member routes that take an id in the path: who is asking is settled before what is asked.
const ROUTES: [method: string, path: string][] = [
  ['GET', '/api/conversations/not-a-uuid'],
  ['GET', '/api/conversations/not-a-uuid/messages'],
  ['POST', '/api/conversations/not-a-uuid/messages'],
  ['POST', '/api/conversations/not-a-uuid/read'],
  ['POST', '/api/conversations/not-a-uuid/uploads'],
  ['PATCH', '/api/messages/not-a-uuid'],
  ['DELETE', '/api/messages/not-a-uuid'],
  ['GET', '/api/attachments/not-a-uuid/url'],
  ['DELETE', '/api/attachments/not-a-uuid'],
  ['GET', '/api/projects/not-a-uuid/members'],
  ['POST', '/api/projects/not-a-uuid/members'],
  ['GET', '/api/projects/not-a-uuid/conversations'],
  ['POST', '/api/projects/not-a-uuid/conversations']
]

describe('a route with a malformed id', () => {
  it('answers UNAUTHENTICATED to a caller without a token, before looking at the id', async () => {
    for (const [method, path] of ROUTES) {
      const res = await api(baseUrl(), method, path, method === 'GET' ? {} : { body: {} })
      expect([path, res.status, res.body.error?.code]).toEqual([path, 401, 'UNAUTHENTICATED'])
    }
  })

  it('answers VALIDATION naming the id to a signed-in caller', async () => {
    const user = await signUp('Validator')
    for (const [method, path] of ROUTES.filter(([, p]) => !p.endsWith('/uploads'))) {
      const res = await api(user.base, method, path, method === 'GET' ? { token: user.token } : { token: user.token, body: {} })
      expect([path, res.status, res.body.error?.code]).toEqual([path, 400, 'VALIDATION'])
      expect(JSON.stringify(res.body.error?.details)).toMatch(/"field":"(id|projectId)"/)
    }
  })
})
