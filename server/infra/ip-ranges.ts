import { BlockList, isIP } from 'node:net'
import { lazy } from './lazy'

/**
 * Addresses an outbound request on a user's behalf must never reach: this host, private and
 * carrier-grade NAT networks, link-local (cloud metadata at 169.254.169.254), multicast, reserved
 * and documentation ranges, and their IPv6 counterparts.
 */
const nonPublic = lazy('non-public-ranges', () => {
  const list = new BlockList()
  const v4: [string, number][] = [
    ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
    ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16],
    ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4]
  ]
  for (const [net, prefix] of v4) list.addSubnet(net, prefix, 'ipv4')
  // Inside global unicast (2000::/3, the only IPv6 space checked here): IETF protocol
  // assignments (Teredo among them), documentation, and 6to4, which wraps any IPv4 address.
  const v6: [string, number][] = [['2001::', 23], ['2001:db8::', 32], ['2002::', 16]]
  for (const [net, prefix] of v6) list.addSubnet(net, prefix, 'ipv6')
  return list
})

/** The IPv4 address an IPv4-mapped or NAT64 (64:ff9b::/96) IPv6 address carries, else null. */
function embeddedIpv4(address: string): string | null {
  const lower = address.toLowerCase()
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower)
  if (dotted) return dotted[1]!
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower)
  if (!hex) return null
  const hi = Number.parseInt(hex[1]!, 16)
  const lo = Number.parseInt(hex[2]!, 16)
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.')
}

/** True for an IP address on the public internet; false for private, loopback, link-local and reserved ones, and for anything that is not an IP. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address)
  if (family === 0) return false
  if (family === 6) {
    const v4 = embeddedIpv4(address)
    if (v4) return isPublicAddress(v4)
    // Only global unicast (2000::/3) carries public traffic; the rest is reserved or local.
    const first = Number.parseInt(address.split(':')[0] || '0', 16)
    if ((first & 0xe000) !== 0x2000) return false
    return !nonPublic().check(address, 'ipv6')
  }
  return !nonPublic().check(address, 'ipv4')
}
