import { describe, expect, it } from 'vitest'
import { baseUrl } from '../support/helpers'

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${baseUrl()}${path}`, { headers })

/** CSP as directive → sources. */
function parseCsp(header: string | null): Record<string, string[]> {
  expect(header).toBeTruthy()
  return Object.fromEntries(header!.split(';').map(d => d.trim()).filter(Boolean).map((d) => {
    const [name, ...sources] = d.split(/\s+/)
    return [name!, sources]
  }))
}

describe('page security headers', () => {
  for (const path of ['/', '/login']) {
    it(`${path} gets a nonce-based CSP that every inline script carries, and the framing/sniffing headers`, async () => {
      const res = await get(path)
      expect(res.status).toBe(200)
      const html = await res.text()
      const csp = parseCsp(res.headers.get('content-security-policy'))
      const nonce = csp['script-src']!.find(s => s.startsWith('\'nonce-'))?.slice(7, -1)
      expect(nonce).toMatch(/^[\w+/=-]{16,}$/)
      expect(csp['script-src']).toContain('\'strict-dynamic\'')
      expect(csp['script-src']).not.toContain('\'unsafe-inline\'')
      expect(csp['script-src']).not.toContain('\'unsafe-eval\'')
      expect(csp['script-src-attr']).toEqual(['\'none\''])
      expect(csp['object-src']).toEqual(['\'none\''])
      expect(csp['base-uri']).toEqual(['\'none\''])
      expect(csp['frame-ancestors']).toEqual(['\'none\''])
      expect(csp['default-src']).toEqual(['\'self\''])
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map(m => m[0])
      expect(scripts.length).toBeGreaterThan(0)
      for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`)
      expect(res.headers.get('x-frame-options')).toBe('DENY')
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('referrer-policy')).toBe('no-referrer')
      expect(res.headers.get('strict-transport-security')).toBeNull()
    })
  }

  it('uses a fresh nonce per response', async () => {
    const nonces = await Promise.all([get('/'), get('/')].map(async (p) => {
      const res = await p
      await res.text()
      return res.headers.get('content-security-policy')!.match(/'nonce-([^']+)'/)![1]
    }))
    expect(nonces[0]).not.toBe(nonces[1])
  })

  it('sends HSTS only when the request came over TLS (per the proxy)', async () => {
    const plain = await get('/login')
    expect(plain.headers.get('strict-transport-security')).toBeNull()
    const tls = await get('/login', { 'x-forwarded-proto': 'https' })
    expect(tls.headers.get('strict-transport-security')).toMatch(/^max-age=\d{7,}/)
    const api = await get('/api/health', { 'x-forwarded-proto': 'https' })
    expect(api.headers.get('strict-transport-security')).toMatch(/^max-age=\d{7,}/)
  })
})

describe('API security headers', () => {
  for (const path of ['/api/health', '/api/me', '/api/no-such-route']) {
    it(`${path} is not sniffable, frameable or leaking referrers`, async () => {
      const res = await get(path)
      await res.text()
      expect(res.headers.get('content-type')).toMatch(/application\/json/)
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('x-frame-options')).toBe('DENY')
      expect(res.headers.get('referrer-policy')).toBe('no-referrer')
      expect(res.headers.get('strict-transport-security')).toBeNull()
    })
  }
})
