import type { ExportMeta } from '../types'
import type { ExportFormatSpec, ExportWriter } from './types'

/**
 * One JSON document `{ "export": <meta>, "messages": [ ... ] }`, written as it goes: the head
 * opens the array and each batch appends its messages, so the whole array is never built.
 */
export const jsonFormat: ExportFormatSpec = {
  extension: 'json',
  contentType: 'application/json; charset=utf-8',
  create(meta: ExportMeta): ExportWriter {
    let first = true
    return {
      head: () => `{"export":${JSON.stringify(meta)},"messages":[\n`,
      rows(batch) {
        if (batch.length === 0) return ''
        const text = batch.map(m => JSON.stringify(m)).join(',\n')
        const out = first ? text : `,\n${text}`
        first = false
        return out
      },
      tail: () => '\n]}\n'
    }
  }
}
