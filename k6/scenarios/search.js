// Search: GET /api/search?q=…&projectId=…. A server without search answers 404 (or its SPA
// fallback HTML): counted in search_skipped, not as a failure.
import { check, sleep } from 'k6'
import { client, isJson } from '../lib/api.js'
import { identity } from '../lib/fixture.js'
import { errors, searchSkipped } from '../lib/metrics.js'

const QUERIES = ['deploy', 'release invoice', '"design review"', 'hotfix', 'roadmap from:me', 'budget has:file', 'incident', 'migration']

/** @param {import('../lib/types.js').Profile} profile */
export function makeSearchMessages(profile) {
  /** @param {import('../lib/types.js').SetupData} data */
  return function searchMessages(data) {
    const id = identity(data)
    const rest = client(id.baseUrl, id.token)
    const q = QUERIES[Math.floor(Math.random() * QUERIES.length)]
    const r = rest.search(q, { projectId: id.projectId })
    if (r.status === 404 || (r.status === 200 && !isJson(r.res))) {
      searchSkipped.add(1)
    } else {
      const ok = check(r, {
        'search 200': x => x.status === 200,
        'search results shape': x => !!(x.body && Array.isArray(x.body.results) && typeof x.body.total === 'number')
      })
      errors.add(!ok)
    }
    sleep(profile.search.thinkS * (0.5 + Math.random()))
  }
}
