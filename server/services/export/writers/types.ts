import type { ExportMessage, ExportMeta } from '../types'

/**
 * One file format, written piece by piece: the head, then each batch of messages as it is read,
 * then the tail. Every piece is a string the caller writes out before asking for the next batch,
 * so no writer ever holds more than one batch.
 */
export interface ExportWriter {
  head(): string
  rows(batch: readonly ExportMessage[]): string
  tail(): string
}

/** How a file is written, beside what it holds (the meta). */
export interface ExportWriterOptions {
  /** CSV only: cells exactly as stored, without neutralising formulas (see csv-cell.ts). */
  csvRaw?: boolean
}

export interface ExportFormatSpec {
  extension: string
  contentType: string
  create(meta: ExportMeta, options?: ExportWriterOptions): ExportWriter
}
