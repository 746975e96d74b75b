import { Readable } from 'node:stream'
import type { ExportMessage, ExportMeta } from './types'
import type { ExportFormatSpec, ExportWriterOptions } from './writers'

/**
 * The file as a stream of text pieces. Readable.from pulls the next piece only when the
 * destination (HTTP response, temp file) has drained, and the generator only reads the next batch
 * from the database when asked: memory stays at about one batch whatever the size of the export.
 */
export function renderExport(
  spec: ExportFormatSpec, meta: ExportMeta, batches: AsyncIterable<readonly ExportMessage[]>,
  onBatch?: (rows: number) => void | Promise<void>, options: ExportWriterOptions = {}
): Readable {
  async function* pieces(): AsyncGenerator<string> {
    const writer = spec.create(meta, options)
    yield writer.head()
    for await (const batch of batches) {
      const text = writer.rows(batch)
      if (text) yield text
      await onBatch?.(batch.length)
    }
    yield writer.tail()
  }
  return Readable.from(pieces(), { objectMode: false, highWaterMark: 64 * 1024 })
}

/** `Design review #2` → `design-review-2`: a storage-key and file-name safe slug (ASCII, at most 60 characters). */
export function slugify(text: string): string {
  const slug = text.normalize('NFKD').replace(/[\u0300-\u036F]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '')
  return slug || 'conversation'
}

/** `<slug>-export-<YYYY-MM-DD>.<ext>` for the day the export was made. */
export function exportFileName(label: string, extension: string, at: Date = new Date()): string {
  return `${slugify(label)}-export-${at.toISOString().slice(0, 10)}.${extension}`
}
