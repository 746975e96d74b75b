import type { ExportFormat } from '#shared/export-schemas'
import { csvFormat } from './csv'
import { htmlFormat } from './html'
import { jsonFormat } from './json'
import { ndjsonFormat } from './ndjson'
import type { ExportFormatSpec } from './types'

export type { ExportFormatSpec, ExportWriter, ExportWriterOptions } from './types'
export { CSV_COLUMNS } from './csv'
export { escapeHtml } from './html'

/** The one writer per format that admin downloads, project jobs and member exports all use. */
export const EXPORT_WRITERS: Readonly<Record<ExportFormat, ExportFormatSpec>> = {
  csv: csvFormat,
  json: jsonFormat,
  ndjson: ndjsonFormat,
  html: htmlFormat
}
