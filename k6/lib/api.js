// REST calls from the wire contract (CONTRACT.md), with the error bookkeeping the suite needs.
import http from 'k6/http'
import { errors } from './metrics.js'

const JSON_HEADERS = { 'Content-Type': 'application/json' }

/**
 * @param {string | null} token
 * @param {string} name
 * @param {import('k6/http').Params} [extra]
 * @returns {import('k6/http').Params}
 */
function params(token, name, extra = {}) {
  /** @type {Record<string, string>} */
  const headers = { ...JSON_HEADERS }
  if (token) headers.Authorization = `Bearer ${token}`
  return { headers, tags: { name }, ...extra }
}

/** @param {import('k6/http').RefinedResponse<'text'>} res @returns {unknown} */
function safeJson(res) {
  try {
    return res.json()
  } catch (_) {
    return undefined
  }
}

/** True when the response is JSON (a 200 text/html SPA fallback is not an API answer). @param {import('k6/http').RefinedResponse<'text'>} res */
export function isJson(res) {
  const type = res.headers['Content-Type'] || res.headers['content-type'] || ''
  return type.includes('application/json')
}

/**
 * POST /api/auth/local/login → { accessToken, user } or throws.
 * @param {string} baseUrl @param {string} email @param {string} password
 * @returns {{ accessToken: string, user: { id: string } }}
 */
export function login(baseUrl, email, password) {
  const res = http.post(`${baseUrl}/api/auth/local/login`, JSON.stringify({ email, password }), { ...params(null, 'login'), responseType: 'text' })
  const body = /** @type {{ accessToken?: string, user: { id: string } } | undefined} */ (safeJson(res))
  errors.add(res.status !== 200)
  if (res.status !== 200 || !body || !body.accessToken) {
    throw new Error(`login ${email} failed: ${res.status} ${String(res.body).slice(0, 200)}`)
  }
  return { accessToken: body.accessToken, user: body.user }
}

/**
 * A response and its JSON body, typed as the contract promises; callers still check it (a failed
 * call, a proxy error page or a server bug answer something else).
 * @template T
 * @typedef {{ res: import('k6/http').RefinedResponse<'text'>, status: number, body: T | undefined }} ApiResponse
 */
/** @typedef {import('./types.js').Message} Message */

/**
 * A small REST client bound to one instance and one access token.
 * @param {string} baseUrl
 * @param {string} token
 */
export function client(baseUrl, token) {
  /**
   * @template T
   * @param {string} method @param {string} path @param {unknown} body @param {string} name
   * @param {import('k6/http').Params} [extra]
   * @returns {ApiResponse<T>}
   */
  const call = (method, path, body, name, extra) => {
    const res = http.request(method, `${baseUrl}${path}`, body === undefined ? null : JSON.stringify(body), { ...params(token, name, extra), responseType: 'text' })
    return { res, status: res.status, body: /** @type {T | undefined} */ (safeJson(res)) }
  }
  return {
    baseUrl,
    /** @returns {ApiResponse<{ user: { id: string } }>} */
    me: () => call('GET', '/api/me', undefined, 'me'),
    /** @returns {ApiResponse<{ projects: { id: string, name: string }[] }>} */
    projects: () => call('GET', '/api/projects', undefined, 'projects'),
    /** @param {string} projectId @returns {ApiResponse<{ conversations: import('./types.js').Conversation[] }>} */
    conversations: projectId => call('GET', `/api/projects/${projectId}/conversations`, undefined, 'conversations'),
    /** @param {string} id @returns {ApiResponse<{ conversation: import('./types.js').Conversation }>} */
    conversation: id => call('GET', `/api/conversations/${id}`, undefined, 'conversation'),
    /**
     * @param {string} id @param {{ limit?: number, beforeSeq?: number, afterSeq?: number }} [page]
     * @returns {ApiResponse<{ messages: Message[], hasMore: boolean }>}
     */
    history: (id, { limit = 50, beforeSeq, afterSeq } = {}) => {
      const q = [`limit=${limit}`]
      if (beforeSeq !== undefined) q.push(`beforeSeq=${beforeSeq}`)
      if (afterSeq !== undefined) q.push(`afterSeq=${afterSeq}`)
      return call('GET', `/api/conversations/${id}/messages?${q.join('&')}`, undefined, 'history')
    },
    /** @param {string} id @param {{ clientId: string, content: string }} payload @returns {ApiResponse<{ message: Message, duplicate: boolean }>} */
    send: (id, payload) => call('POST', `/api/conversations/${id}/messages`, payload, 'send'),
    /** @param {string} id @param {number} seq @returns {ApiResponse<{ ok: boolean }>} */
    read: (id, seq) => call('POST', `/api/conversations/${id}/read`, { seq }, 'read'),
    // 404 is an expected answer while search is not implemented: not an http_req_failed.
    /**
     * @param {string} q @param {{ projectId?: string, conversationId?: string, limit?: number }} [scope]
     * @returns {ApiResponse<{ results: { message: Message, highlight: string }[], total: number }>}
     */
    search: (q, { projectId, conversationId, limit = 20 } = {}) => {
      const parts = [`q=${encodeURIComponent(q)}`, `limit=${limit}`]
      if (projectId) parts.push(`projectId=${projectId}`)
      if (conversationId) parts.push(`conversationId=${conversationId}`)
      return call('GET', `/api/search?${parts.join('&')}`, undefined, 'search',
        { responseCallback: http.expectedStatuses({ min: 200, max: 299 }, 404) })
    }
  }
}
