import { assertPublicHost, BlockedAddressError } from '../../../infra/outbound-http'
import { getPushConfig, type PushOriginRule } from './config'

/** Whether a push endpoint may be reached, and how. */
/** `trusted`: listed as written by the operator, so no public-address check. */
export type EndpointVerdict = { ok: true, trusted: boolean } | { ok: false, reason: 'origin' | 'address' }

function matches(rule: PushOriginRule, url: URL): boolean {
  if (url.protocol !== rule.protocol || url.port !== rule.port) return false
  const host = url.hostname.toLowerCase()
  return rule.wildcard ? host.endsWith(`.${rule.host}`) : host === rule.host
}

/** The allowed push service an endpoint belongs to, or null. */
export function pushOriginRule(endpoint: string): PushOriginRule | null {
  let url: URL
  try {
    url = new URL(endpoint)
  } catch {
    return null
  }
  if (url.username || url.password) return null
  return getPushConfig().origins.find(rule => matches(rule, url)) ?? null
}

/**
 * The one gate for push endpoints, at subscription time and again before each send: the endpoint
 * must belong to an allowed push service, and unless the operator listed its origin by hand, its
 * host must resolve to public addresses only. DNS failures other than a refusal reject, so a send
 * can be retried.
 */
export async function checkPushEndpoint(endpoint: string): Promise<EndpointVerdict> {
  const rule = pushOriginRule(endpoint)
  if (!rule) return { ok: false, reason: 'origin' }
  if (rule.trusted) return { ok: true, trusted: true }
  try {
    await assertPublicHost(new URL(endpoint).hostname)
  } catch (err) {
    if (err instanceof BlockedAddressError) return { ok: false, reason: 'address' }
    throw err
  }
  return { ok: true, trusted: false }
}
