// REST calls from the wire contract (CONTRACT.md), with the error bookkeeping the suite needs.
import http from 'k6/http'
import { errors } from './metrics.js'

const JSON_HEADERS = { 'Content-Type': 'application/json' }

function params(token, name, extra = {}) {
  const headers = { ...JSON_HEADERS }
  if (token) headers.Authorization = `Bearer ${token}`
  return { headers, tags: { name }, ...extra }
}

function safeJson(res) {
  try {
    return res.json()
  } catch (_) {
    return undefined
  }
}

/** True when the response is JSON (a 200 text/html SPA fallback is not an API answer). */
export function isJson(res) {
  const type = res.headers['Content-Type'] || res.headers['content-type'] || ''
  return type.includes('application/json')
}

/** POST /api/auth/local/login → { accessToken, user } or throws. */
export function login(baseUrl, email, password) {
  const res = http.post(`${baseUrl}/api/auth/local/login`, JSON.stringify({ email, password }), params(null, 'login'))
  const body = safeJson(res)
  errors.add(res.status !== 200)
  if (res.status !== 200 || !body || !body.accessToken) {
    throw new Error(`login ${email} failed: ${res.status} ${String(res.body).slice(0, 200)}`)
  }
  return body
}

/** A small REST client bound to one instance and one access token. */
export function client(baseUrl, token) {
  const call = (method, path, body, name, extra) => {
    const res = http.request(method, `${baseUrl}${path}`, body === undefined ? null : JSON.stringify(body), params(token, name, extra))
    return { res, status: res.status, body: safeJson(res) }
  }
  return {
    baseUrl,
    me: () => call('GET', '/api/me', undefined, 'me'),
    projects: () => call('GET', '/api/projects', undefined, 'projects'),
    conversations: projectId => call('GET', `/api/projects/${projectId}/conversations`, undefined, 'conversations'),
    conversation: id => call('GET', `/api/conversations/${id}`, undefined, 'conversation'),
    history: (id, { limit = 50, beforeSeq, afterSeq } = {}) => {
      const q = [`limit=${limit}`]
      if (beforeSeq !== undefined) q.push(`beforeSeq=${beforeSeq}`)
      if (afterSeq !== undefined) q.push(`afterSeq=${afterSeq}`)
      return call('GET', `/api/conversations/${id}/messages?${q.join('&')}`, undefined, 'history')
    },
    send: (id, payload) => call('POST', `/api/conversations/${id}/messages`, payload, 'send'),
    read: (id, seq) => call('POST', `/api/conversations/${id}/read`, { seq }, 'read'),
    // 404 is an expected answer while search is not implemented: not an http_req_failed.
    search: (q, { projectId, conversationId, limit = 20 } = {}) => {
      const parts = [`q=${encodeURIComponent(q)}`, `limit=${limit}`]
      if (projectId) parts.push(`projectId=${projectId}`)
      if (conversationId) parts.push(`conversationId=${conversationId}`)
      return call('GET', `/api/search?${parts.join('&')}`, undefined, 'search',
        { responseCallback: http.expectedStatuses({ min: 200, max: 299 }, 404) })
    }
  }
}
