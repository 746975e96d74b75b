import type { AnalyticsHeatCell, AnalyticsSummary } from '#admin-shared/analytics-schemas'

/** "42 s", "3 min 5 s", "2 h 10 min", "1 d 4 h"; an em dash when there is nothing to show. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—'
  const s = Math.round(seconds)
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`
  if (s < 86_400) return `${Math.floor(s / 3600)} h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)} min` : ''}`
  return `${Math.floor(s / 86_400)} d${Math.floor((s % 86_400) / 3600) ? ` ${Math.floor((s % 86_400) / 3600)} h` : ''}`
}

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const

/** The heatmap as [hour, weekday index 0–6, count] triples for all 7 × 24 cells (zeros included). */
export function heatmapCells(cells: AnalyticsHeatCell[]): [number, number, number][] {
  const counts = new Map(cells.map(c => [`${c.weekday}:${c.hour}`, c.count]))
  const out: [number, number, number][] = []
  for (let w = 1; w <= 7; w++) {
    for (let h = 0; h < 24; h++) out.push([h, w - 1, counts.get(`${w}:${h}`) ?? 0])
  }
  return out
}

export interface StatCard { key: string, label: string, value: string, help: string }

/** The stat cards, with the definitions the figures follow as their help text. */
export function statCards(s: AnalyticsSummary): StatCard[] {
  const n = (v: number) => v.toLocaleString('en-US')
  return [
    { key: 'totalMessages', label: 'Messages', value: n(s.totalMessages), help: 'Messages sent in the range (UTC days): thread replies and later-deleted messages count, system lines do not.' },
    { key: 'activeConversations', label: 'Active conversations', value: n(s.activeConversations), help: 'Conversations with at least one counted message in the range.' },
    { key: 'activeUsers', label: 'Active users', value: n(s.activeUsers), help: 'People who sent at least one counted message in the range.' },
    { key: 'avgResponseSeconds', label: 'Avg first response', value: formatDuration(s.avgResponseSeconds), help: `A turn is a run of messages by one sender. The first message of a turn that follows someone else's turn is a response, after the time since that turn's first message (whole seconds). ${n(s.responses)} responses in the range.` },
    { key: 'medianResponseSeconds', label: 'Median first response', value: formatDuration(s.medianResponseSeconds), help: 'The median of the same responses.' },
    { key: 'reports', label: 'Reports opened / resolved', value: `${n(s.reportsOpened)} / ${n(s.reportsResolved)}`, help: 'Reports on this project\'s messages opened, and resolved, in the range.' }
  ]
}

/** What a click on a figure selected; the range comes from the dashboard. */
export interface DrillFilter {
  label: string
  day?: string
  conversationId?: string
  senderId?: string
  weekday?: number
  hour?: number
}
