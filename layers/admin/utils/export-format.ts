import type { ExportFormat, ExportStatus } from '#shared/export-schemas'

export const EXPORT_FORMAT_ITEMS: { label: string, value: ExportFormat }[] = [
  { label: 'CSV (spreadsheets)', value: 'csv' },
  { label: 'JSON (one document)', value: 'json' },
  { label: 'NDJSON (one message per line)', value: 'ndjson' },
  { label: 'HTML transcript', value: 'html' }
]

export const EXPORT_STATUS_COLORS: Record<ExportStatus, 'neutral' | 'info' | 'success' | 'error'> = {
  queued: 'neutral',
  running: 'info',
  done: 'success',
  failed: 'error'
}

/** "1.4 MB" */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return ''
  const units = ['B', 'KB', 'MB', 'GB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`
}
