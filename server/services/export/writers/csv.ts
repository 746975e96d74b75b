import { stringify } from 'csv-stringify/sync'
import { csvCast } from '../csv-cell'
import type { ExportMessage, ExportMeta } from '../types'
import type { ExportFormatSpec, ExportWriter, ExportWriterOptions } from './types'

/** Column order of the CSV file; the header row names them. */
export const CSV_COLUMNS = [
  'conversation_id', 'conversation', 'seq', 'id', 'sent_at', 'sender_id', 'sender_name', 'type', 'content',
  'thread_root_id', 'reply_to_id', 'edited_at', 'deleted_at', 'deleted_by', 'deleted_content', 'attachments'
] as const

type CsvRecord = Record<typeof CSV_COLUMNS[number], string | number>

/**
 * RFC 4180 through csv-stringify: fields with commas, quotes or line breaks are quoted and quotes
 * doubled. Text cells that a spreadsheet would run as a formula get a leading `'` unless the raw
 * option is asked for, so only a raw file round-trips byte for byte; the attachments manifest is one
 * cell holding a JSON array (empty when not asked for).
 */
function toRecord(m: ExportMessage, titles: ReadonlyMap<string, string>): CsvRecord {
  return {
    conversation_id: m.conversationId,
    conversation: titles.get(m.conversationId) ?? '',
    seq: m.seq,
    id: m.id,
    sent_at: m.sentAt,
    sender_id: m.sender.id,
    sender_name: m.sender.name,
    type: m.type,
    content: m.content,
    thread_root_id: m.threadRootId ?? '',
    reply_to_id: m.replyToId ?? '',
    edited_at: m.editedAt ?? '',
    deleted_at: m.deletedAt ?? '',
    deleted_by: m.deletedBy ?? '',
    deleted_content: m.deletedContent ?? '',
    attachments: m.attachments ? JSON.stringify(m.attachments) : ''
  }
}

export const csvFormat: ExportFormatSpec = {
  extension: 'csv',
  contentType: 'text/csv; charset=utf-8',
  create(meta: ExportMeta, writerOptions: ExportWriterOptions = {}): ExportWriter {
    const titles = new Map(meta.conversations.map(c => [c.id, c.title]))
    const options = { columns: [...CSV_COLUMNS], eof: true, record_delimiter: 'windows' as const, cast: csvCast(writerOptions.csvRaw ?? false) }
    return {
      head: () => stringify([], { ...options, header: true }),
      rows: batch => stringify(batch.map(m => toRecord(m, titles)), options),
      tail: () => ''
    }
  }
}
