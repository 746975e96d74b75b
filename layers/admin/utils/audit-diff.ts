/** One field of an audit entry's before/after, for the diff view. */
export interface AuditDiffRow {
  key: string
  before: string
  after: string
  changed: boolean
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** A value as the diff shows it: text as is, absent as an em dash, the rest as compact JSON. */
function formatAuditValue(value: unknown): string {
  if (value === undefined) return '—'
  if (typeof value === 'string') return value
  return JSON.stringify(value)
}

/**
 * The fields an entry's `before` and `after` name, changed ones first. A non-object before/after
 * (a single value) is shown as one row named "value".
 */
export function auditDiff(details: Record<string, unknown>): AuditDiffRow[] {
  const { before, after } = details
  if (before === undefined && after === undefined) return []
  const b = isRecord(before) ? before : before === undefined ? {} : { value: before }
  const a = isRecord(after) ? after : after === undefined ? {} : { value: after }
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort()
  const rows = keys.map((key) => {
    const x = formatAuditValue(b[key])
    const y = formatAuditValue(a[key])
    return { key, before: x, after: y, changed: x !== y }
  })
  return [...rows.filter(r => r.changed), ...rows.filter(r => !r.changed)]
}

/** The details besides before/after and the subject (shown by name), as "key: value" text. */
export function auditExtraDetails(details: Record<string, unknown>): string {
  return Object.entries(details)
    .filter(([key]) => key !== 'userId' && key !== 'before' && key !== 'after')
    .map(([key, value]) => `${key}: ${formatAuditValue(value)}`)
    .join(', ')
}
