import type { AdminHistoryMessage } from '#admin-shared/admin-schemas'

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })

/** Adds a page to what is shown, one entry per message, in seq order (pages may overlap at their edges). */
export function mergeHistory(shown: readonly AdminHistoryMessage[], page: readonly AdminHistoryMessage[]): AdminHistoryMessage[] {
  const bySeq = new Map(shown.map(m => [m.seq, m]))
  for (const m of page) bySeq.set(m.seq, m)
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq)
}

/** "Deleted by Alice · 12:04" — who removed a message and when, as the admin history marks it. */
export function deletedLabel(message: Pick<AdminHistoryMessage, 'deletedAt' | 'deletedBy'> & { deletedByRetention?: boolean }, format: (d: Date) => string = d => time.format(d)): string {
  if (!message.deletedAt) return ''
  const when = format(new Date(message.deletedAt))
  if (message.deletedByRetention) return `Deleted by the retention policy · ${when}`
  return message.deletedBy ? `Deleted by ${message.deletedBy.displayName} · ${when}` : `Deleted · ${when}`
}

/** The seq a link asks for (`?seq=N`), or null. */
export function seqFromQuery(value: unknown): number | null {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return null
  const seq = Number(value)
  return Number.isSafeInteger(seq) ? seq : null
}
