import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { CSV_COLUMNS, EXPORT_WRITERS, escapeHtml, exportFileName, neutraliseCsvFormula, resolveRange, slugify, type ExportMessage, type ExportMeta } from '~~/server/services/export'

const meta: ExportMeta = {
  exportedAt: '2026-12-01T12:00:00.000Z',
  format: 'csv',
  scope: { conversationId: 'c1' },
  from: null,
  to: null,
  includeDeleted: true,
  includeAttachments: true,
  conversations: [{ id: 'c1', projectId: 'p1', title: 'Design, "v2" <b>', type: 'group' }]
}

const tricky = 'Hello, "world"\nsecond line 🎉 **bold** <script>alert(1)</script> & \'quotes\''

function message(over: Partial<ExportMessage> = {}): ExportMessage {
  return {
    conversationId: 'c1', seq: 1, id: 'm1', sentAt: '2026-11-30T23:59:00.000Z', sender: { id: 'u1', name: 'Zoë <admin>' }, type: 'text',
    content: tricky, threadRootId: null, replyToId: null, editedAt: null, deletedAt: null, deletedBy: null, ...over
  }
}

function write(format: keyof typeof EXPORT_WRITERS, batches: ExportMessage[][], m: ExportMeta = meta): string {
  const writer = EXPORT_WRITERS[format].create({ ...m, format })
  return writer.head() + batches.map(b => writer.rows(b)).join('') + writer.tail()
}

describe('CSV writer', () => {
  it('writes a header row and quotes commas, quotes and line breaks so csv-parse reads the text back unchanged', () => {
    const files = [{ id: 'a1', fileName: 'plan, final.pdf', mimeType: 'application/pdf', sizeBytes: 12, path: '/api/attachments/a1' }]
    const text = write('csv', [[message({ attachments: files })], [message({ seq: 2, id: 'm2', content: '', deletedAt: '2026-12-01T00:00:00.000Z', deletedBy: 'u2', deletedContent: 'gone, "really"', attachments: [] })]])
    const [header, ...rows] = parse(text, { relax_column_count: false }) as string[][]
    expect(header).toEqual([...CSV_COLUMNS])
    expect(rows).toHaveLength(2)
    const record = Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, rows[0]![i]]))
    expect(record).toMatchObject({ conversation: 'Design, "v2" <b>', seq: '1', content: tricky, sender_name: 'Zoë <admin>', deleted_at: '', thread_root_id: '' })
    expect(JSON.parse(record.attachments!)).toEqual(files)
    expect(rows[1]![CSV_COLUMNS.indexOf('deleted_content')]).toBe('gone, "really"')
    // Quotes are doubled inside a quoted field, as RFC 4180 says.
    expect(text).toContain('"Hello, ""world""\nsecond line')
  })

  it('writes only the header for an empty export', () => {
    expect(parse(write('csv', []))).toEqual([[...CSV_COLUMNS]])
  })
})

describe('JSON and NDJSON writers', () => {
  it('JSON is one document: metadata, then every batch in one messages array', () => {
    const doc = JSON.parse(write('json', [[message()], [], [message({ seq: 2, id: 'm2' }), message({ seq: 3, id: 'm3' })]])) as { export: ExportMeta, messages: ExportMessage[] }
    expect(doc.export.conversations[0]!.title).toBe('Design, "v2" <b>')
    expect(doc.messages.map(m => m.seq)).toEqual([1, 2, 3])
    expect(doc.messages[0]!.content).toBe(tricky)
    expect(JSON.parse(write('json', []))).toMatchObject({ messages: [] })
  })

  it('NDJSON: a metadata line, then one message per line even when the text has line breaks', () => {
    const lines = write('ndjson', [[message(), message({ seq: 2, id: 'm2' })]]).trimEnd().split('\n')
    expect(lines).toHaveLength(3)
    expect(JSON.parse(lines[0]!)).toMatchObject({ export: { scope: { conversationId: 'c1' } } })
    expect(JSON.parse(lines[1]!)).toEqual(message())
  })
})

describe('HTML writer', () => {
  it('escapes every piece of user text: no markup from a message, a name or a title survives', () => {
    const html = write('html', [[message(), message({ seq: 2, id: 'm2', threadRootId: 'm1', editedAt: '2026-12-01T01:00:00.000Z', sentAt: '2026-12-01T00:30:00.000Z' })]])
    expect(html).not.toContain('<script>')
    expect(html).not.toContain('<b>')
    expect(html).not.toContain('<admin>')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).toContain('Hello, &quot;world&quot;')
    expect(html).toContain('Zoë &lt;admin&gt;')
    expect(html).toContain('🎉')
  })

  it('separates days, marks edits, deletions and thread replies', () => {
    const html = write('html', [[
      message(),
      message({ seq: 2, id: 'm2', threadRootId: 'm1', sentAt: '2026-12-01T00:30:00.000Z', editedAt: '2026-12-01T01:00:00.000Z' }),
      message({ seq: 3, id: 'm3', sentAt: '2026-12-01T02:00:00.000Z', content: '', deletedAt: '2026-12-01T03:00:00.000Z', deletedBy: 'u9' })
    ]])
    expect(html.match(/class="day"/g)).toHaveLength(2)
    expect(html).toContain('2026-11-30')
    expect(html).toContain('2026-12-01')
    expect(html).toContain('class="msg reply"')
    expect(html).toContain('href="#m-m1"')
    expect(html).toContain('(edited)')
    expect(html).toContain('(deleted 2026-12-01 03:00 UTC by u9)')
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html).not.toMatch(/<script|<link|src=/i)
  })

  it('escapeHtml covers the five characters that matter', () => {
    expect(escapeHtml('<a href="x">\'&\'</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;')
  })
})

describe('export helpers', () => {
  it('file names are safe slugs with the day', () => {
    expect(exportFileName('Design review: "Q4" / ünïcode ✨', 'csv', new Date('2026-12-01T10:00:00Z'))).toBe('design-review-q4-unicode-export-2026-12-01.csv')
    expect(slugify('✨✨')).toBe('conversation')
  })

  it('a bare day as `to` includes that whole day; timestamps are taken as given', () => {
    expect(resolveRange('2026-01-01', '2026-01-31')).toEqual({ from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-02-01T00:00:00Z') })
    expect(resolveRange(undefined, '2026-01-31T10:00:00+02:00')).toEqual({ from: null, to: new Date('2026-01-31T08:00:00Z') })
  })
})

describe('CSV formula neutralising', () => {
  const FORMULAS = ['=HYPERLINK("https://evil.example","click")', '+1+1', '-2+3', '@SUM(A1:A2)', '\tindented', '\r=1']
  const csv = (messages: ExportMessage[], csvRaw?: boolean) => {
    const m: ExportMeta = { ...meta, conversations: [{ ...meta.conversations[0]!, title: '=cmd|\' /C calc\'!A0' }] }
    const writer = EXPORT_WRITERS.csv.create(m, csvRaw === undefined ? undefined : { csvRaw })
    const [header, ...rows] = parse(writer.head() + writer.rows(messages) + writer.tail()) as string[][]
    return rows.map(r => Object.fromEntries(header!.map((h, i) => [h, r[i]!])))
  }
  const messages = FORMULAS.map((content, i) => message({ seq: -i - 1, id: `m${i}`, content, sender: { id: 'u1', name: `@${i} =name` }, deletedContent: `-gone ${i}` }))

  it('by default every text cell a spreadsheet would run gets a leading quote; the rest and numbers stay as they are', () => {
    const rows = csv([...messages, message({ seq: 9, id: 'plain', content: 'a = b, +1 @ end', sender: { id: 'u2', name: 'Zoë' } })])
    expect(rows.slice(0, FORMULAS.length).map(r => r.content)).toEqual(FORMULAS.map(f => `'${f}`))
    expect(rows[0]).toMatchObject({ conversation: '\'=cmd|\' /C calc\'!A0', sender_name: '\'@0 =name', deleted_content: '\'-gone 0' })
    // A numeric column keeps its sign: only text cells are neutralised.
    expect(rows.slice(0, FORMULAS.length).map(r => r.seq)).toEqual(['-1', '-2', '-3', '-4', '-5', '-6'])
    expect(rows.at(-1)).toMatchObject({ content: 'a = b, +1 @ end', sender_name: 'Zoë' })
    expect(rows.every(r => Object.values(r).every(cell => !/^[=+@\t\r]/.test(cell) && !/^-\D/.test(cell)))).toBe(true)
  })

  it('csvRaw writes every cell exactly as stored, for data pipelines', () => {
    const rows = csv(messages, true)
    expect(rows.map(r => r.content)).toEqual(FORMULAS)
    expect(rows[0]).toMatchObject({ conversation: '=cmd|\' /C calc\'!A0', sender_name: '@0 =name', deleted_content: '-gone 0', seq: '-1' })
    expect(csv(messages, false).map(r => r.content)).toEqual(FORMULAS.map(f => `'${f}`))
  })

  it('neutraliseCsvFormula touches only the six OWASP start characters', () => {
    expect(['=', '+', '-', '@', '\t', '\r'].map(c => neutraliseCsvFormula(`${c}x`))).toEqual(['\'=x', '\'+x', '\'-x', '\'@x', '\'\tx', '\'\rx'])
    expect(['x=1', ' =1', '', '\'=1', '{"a":1}', '2026-01-01'].map(neutraliseCsvFormula)).toEqual(['x=1', ' =1', '', '\'=1', '{"a":1}', '2026-01-01'])
  })
})
