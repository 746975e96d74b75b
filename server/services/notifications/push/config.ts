import { lazy } from '../../../infra/lazy'
import { publicUrl } from '../../../infra/public-url'

/** One allowed push service: an exact origin, or `*.` a domain's subdomains (https only). */
export interface PushOriginRule {
  protocol: 'https:' | 'http:'
  /** Lower-case host name without port; for a wildcard, the domain after `*.`. */
  host: string
  port: string
  wildcard: boolean
  /** Listed by the operator as an exact origin: trusted as written, loopback and private addresses included. */
  trusted: boolean
}

export interface PushConfig {
  origins: PushOriginRule[]
  /** `mailto:` or `https:` contact the push services see in every VAPID token. */
  subject: string
  /** Subscriptions one user may keep; the oldest go first. */
  maxPerUser: number
  /** How long a push service keeps a push for a device that is offline. */
  ttlSeconds: number
}

/**
 * The push services browsers subscribe with today: Chrome and other Chromium browsers (FCM),
 * Firefox (Mozilla autopush), Edge (WNS) and Safari (Apple). An endpoint elsewhere is refused.
 */
export const KNOWN_PUSH_SERVICES = [
  'https://fcm.googleapis.com',
  'https://updates.push.services.mozilla.com',
  'https://*.push.services.mozilla.com',
  'https://*.notify.windows.com',
  'https://web.push.apple.com',
  'https://*.push.apple.com'
]

const RULE = /^(https?):\/\/(\*\.)?([a-z0-9.-]+|\[[0-9a-f:.]+\])(?::(\d{1,5}))?\/?$/i

/** Parses one origin of PUSH_ALLOWED_ORIGINS (or the defaults); `listed` origins that name one host are trusted as written. */
export function parseOriginRule(entry: string, listed: boolean): PushOriginRule {
  const match = RULE.exec(entry.trim())
  if (!match) throw new Error(`PUSH_ALLOWED_ORIGINS: "${entry}" is not an origin such as https://push.example.com`)
  const protocol = `${match[1]!.toLowerCase()}:` as 'https:' | 'http:'
  const wildcard = Boolean(match[2])
  if (wildcard && protocol !== 'https:') throw new Error(`PUSH_ALLOWED_ORIGINS: a wildcard origin must be https: "${entry}"`)
  const defaultPort = protocol === 'https:' ? '443' : '80'
  const port = match[4] && match[4] !== defaultPort ? match[4] : ''
  return { protocol, host: match[3]!.toLowerCase(), port, wildcard, trusted: listed && !wildcard }
}

/** A sensible VAPID contact: PUBLIC_URL when it is a public https origin, else a postmaster address. */
function defaultSubject(): string {
  const origin = publicUrl()
  if (origin) {
    const url = new URL(origin)
    if (url.protocol === 'https:' && url.hostname !== 'localhost') return origin
    return `mailto:postmaster@${url.hostname}`
  }
  return 'mailto:postmaster@localhost'
}

/** Push services refuse tokens whose contact is not a `mailto:` or `https:` URL: say so at start, not on every send. */
function vapidSubject(subject: string): string {
  if (/^mailto:[^@\s]+@[^@\s]+$/.test(subject) || /^https:\/\/[^\s/]+/.test(subject)) return subject
  throw new Error(`VAPID_SUBJECT must be a mailto: address or an https: URL, got ${subject}`)
}

export const getPushConfig = lazy('push-config', (): PushConfig => {
  const env = process.env
  const listed = env.PUSH_ALLOWED_ORIGINS?.split(',').map(s => s.trim()).filter(Boolean)
  const origins = listed?.length ? listed.map(o => parseOriginRule(o, true)) : KNOWN_PUSH_SERVICES.map(o => parseOriginRule(o, false))
  return {
    origins,
    subject: vapidSubject(env.VAPID_SUBJECT?.trim() || defaultSubject()),
    maxPerUser: 20,
    ttlSeconds: 24 * 3600
  }
})
