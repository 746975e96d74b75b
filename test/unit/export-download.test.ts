import { describe, expect, it } from 'vitest'
import { exportQuery, fileNameFromDisposition } from '~~/utils/export-download'
import { contentDisposition } from '~~/server/infra/storage/inspect'

describe('export downloads in the browser', () => {
  it('takes the file name the server sends, the UTF-8 one first', () => {
    expect(fileNameFromDisposition(contentDisposition('attachment', 'design-export-2026-12-01.csv'), 'x')).toBe('design-export-2026-12-01.csv')
    expect(fileNameFromDisposition(contentDisposition('attachment', 'café-export.html'), 'x')).toBe('café-export.html')
    expect(fileNameFromDisposition('attachment; filename=plain.json', 'x')).toBe('plain.json')
    expect(fileNameFromDisposition(null, 'export.json')).toBe('export.json')
  })

  it('leaves empty and false options out of the query', () => {
    expect(exportQuery({ format: 'csv', from: '', to: '2026-01-31', includeDeleted: false, includeAttachments: true, threadId: undefined }))
      .toBe('format=csv&to=2026-01-31&includeAttachments=true')
  })
})
