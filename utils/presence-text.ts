import type { PresenceStatus } from '#shared/types'

/** "Last seen 5 minutes ago", from a relative time such as useTimeAgo gives. */
export function lastSeenLabel(ago: string): string {
  return `Last seen ${ago}`
}

/** The line under a direct message's title: "Active now", "Away", "Do not disturb", "Last seen …" or "Offline". */
export function presenceLine(status: PresenceStatus | null, ago: string | null): string {
  if (status === 'online') return 'Active now'
  if (status === 'away') return 'Away'
  if (status === 'dnd') return 'Do not disturb'
  if (status === 'offline') return ago ? lastSeenLabel(ago) : 'Offline'
  return ''
}
