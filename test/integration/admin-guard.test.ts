import { randomUUID } from 'node:crypto'
import { readdirSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { api, signUp, type Session } from '../support/helpers'

const API_DIR = join(process.cwd(), 'layers', 'admin', 'server', 'api')

/** Every route file of the admin layer as `[METHOD, path]`, dynamic segments filled with a random id. */
function adminRoutes(): [string, string][] {
  const files = readdirSync(API_DIR, { recursive: true, encoding: 'utf8' }).filter(f => f.endsWith('.ts'))
  return files.map((file) => {
    const parts = relative(API_DIR, join(API_DIR, file)).split(sep)
    const last = parts.pop()!
    const [name, method] = last.replace(/\.ts$/, '').split('.') as [string, string]
    if (name !== 'index') parts.push(name)
    const path = parts.map(p => p.startsWith('[') ? randomUUID() : p).join('/')
    return [method.toUpperCase(), `/api/${path}`] as [string, string]
  })
}

/**
 * Walks the admin layer's route files themselves, so a route added later without the admin guard
 * fails here even if its own tests forget to attack it.
 */
describe('every admin route, found on disk', () => {
  const routes = adminRoutes()
  let member: Session
  beforeAll(async () => {
    member = await signUp('Curious member')
  })

  it('finds the admin layer\'s routes', () => {
    expect(routes.length).toBeGreaterThanOrEqual(50)
    expect(routes).toContainEqual(['GET', '/api/admin/audit/verify'])
  })

  it('answers 401 UNAUTHENTICATED without a token and 403 FORBIDDEN to a member, whatever the body', async () => {
    for (const [method, path] of routes) {
      const body = method === 'GET' || method === 'DELETE' ? undefined : { nonsense: true }
      const anonymous = await api(member.base, method, path, { body })
      expect(anonymous.status, `anonymous ${method} ${path}`).toBe(401)
      expect(anonymous.body, `anonymous ${method} ${path}`).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.any(String) } })
      const asMember = await api(member.base, method, path, { token: member.token, body })
      expect(asMember.status, `member ${method} ${path}`).toBe(403)
      expect(asMember.body, `member ${method} ${path}`).toEqual({ error: { code: 'FORBIDDEN', message: expect.any(String) } })
    }
  })
})
