import type { ExportMeta } from '../types'
import type { ExportFormatSpec, ExportWriter } from './types'

/**
 * Newline-delimited JSON: the first line is `{"export": <meta>}`, every following line is one
 * message object (the same object the JSON format lists). JSON.stringify escapes line breaks
 * inside strings, so a message never spans lines.
 */
export const ndjsonFormat: ExportFormatSpec = {
  extension: 'ndjson',
  contentType: 'application/x-ndjson; charset=utf-8',
  create(meta: ExportMeta): ExportWriter {
    return {
      head: () => `${JSON.stringify({ export: meta })}\n`,
      rows: batch => batch.map(m => `${JSON.stringify(m)}\n`).join(''),
      tail: () => ''
    }
  }
}
