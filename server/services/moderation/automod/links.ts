import MarkdownIt from 'markdown-it'
import type { AutomodConfig } from '#shared/automod-schemas'
import { readableOf } from './readable'
import type { Matcher } from './types'

// The link finder the message renderer uses (markdown-it's linkify-it). Fuzzy links are on here,
// though the renderer leaves bare "pastebin.com/x" unlinked: readers still copy those into a browser.
const linkify = new MarkdownIt({ linkify: true }).linkify.set({ fuzzyLink: true, fuzzyEmail: false })

/** The host of every link in the text, lower-cased; e-mail addresses are not links here. */
export function linkHosts(text: string): string[] {
  const hosts: string[] = []
  for (const link of linkify.match(text) ?? []) {
    if (link.schema === 'mailto:') continue
    try {
      const host = new URL(link.url).hostname.toLowerCase().replace(/\.$/, '')
      if (host) hosts.push(host)
    } catch {
      // A match the URL parser refuses is not a link a browser would open.
    }
  }
  return hosts
}

/** A domain covers itself and its subdomains: "pastebin.com" covers "eu.pastebin.com", not "notpastebin.com". */
export const coveredBy = (host: string, domains: readonly string[]) =>
  domains.some(d => host === d || host.endsWith(`.${d}`))

/**
 * Matches a link to a denied domain, or, when an allow list is set, a link to any domain not on it:
 * in the text as typed and as members will read it ("pastebin\u00AD.com", "**paste**bin.com").
 */
export function linksMatcher(config: AutomodConfig): Matcher {
  const deny = config.denyDomains ?? []
  const allow = config.allowDomains ?? []
  return (input) => {
    const readable = readableOf(input)
    const hosts = new Set([...linkHosts(input.content), ...(readable === input.content ? [] : linkHosts(readable))])
    for (const host of hosts) {
      if (coveredBy(host, deny)) return `link: ${host}`
      if (allow.length && !coveredBy(host, allow)) return `link: ${host} (not allowed)`
    }
    return null
  }
}
