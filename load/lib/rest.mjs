// REST calls of the contract for the driver, with failover: a call that cannot reach its
// instance (connection refused or reset) goes to the next one in INSTANCES, like a client behind
// a load balancer whose backend died.

/** @typedef {{ status: number, body: any, ms: number, instance: string }} RestResult */

export class RestError extends Error {
  /** @param {string} message @param {number} status @param {unknown} body */
  constructor(message, status, body) {
    super(message)
    this.status = status
    this.body = body
  }
}

/** Decodes a JWT's exp claim (ms); 0 when unreadable. @param {string} token */
export function jwtExpMs(token) {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).exp * 1000
  } catch {
    return 0
  }
}

/**
 * One HTTP call to `instances[start]`, moving on to the next instance when the connection fails.
 * @param {string[]} instances
 * @param {number} start
 * @param {string} method
 * @param {string} path
 * @param {{ token?: string, body?: unknown, timeoutMs?: number }} [options]
 * @returns {Promise<RestResult>}
 */
export async function request(instances, start, method, path, { token, body, timeoutMs = 15000 } = {}) {
  let lastError
  for (let i = 0; i < instances.length; i++) {
    const instance = /** @type {string} */ (instances[(start + i) % instances.length])
    const t0 = performance.now()
    try {
      const res = await fetch(`${instance}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs)
      })
      const text = await res.text()
      let parsed
      try {
        parsed = text && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text
      } catch {
        parsed = text
      }
      return { status: res.status, body: parsed, ms: performance.now() - t0, instance }
    } catch (error) {
      lastError = error
    }
  }
  throw new RestError(`${method} ${path}: no instance answered (${/** @type {Error} */ (lastError)?.message})`, 0, null)
}

/**
 * POST /api/auth/local/login → { accessToken, expMs }. Retries on RATE_LIMITED (429) after the
 * server's retryAfterMs, a few times.
 * @param {string[]} instances @param {number} start @param {string} email @param {string} password
 */
export async function login(instances, start, email, password) {
  for (let attempt = 0; ; attempt++) {
    const r = await request(instances, start, 'POST', '/api/auth/local/login', { body: { email, password } })
    if (r.status === 200 && r.body?.accessToken) return { accessToken: /** @type {string} */ (r.body.accessToken), expMs: jwtExpMs(r.body.accessToken) }
    if (r.status === 429 && attempt < 5) {
      await new Promise(res => setTimeout(res, Math.min(30000, r.body?.error?.details?.retryAfterMs ?? 1000)))
      continue
    }
    throw new RestError(`login ${email}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`, r.status, r.body)
  }
}
