import { deflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import {
  TextScanner, canonicalMimeType, contentDisposition, readImageSize, resolveUploadType, sanitizeFileName, sniffKind, storageKeyName, type SniffedKind
} from '../../server/infra/storage/inspect'
import { UPLOAD_ACCEPT, UPLOAD_TYPES } from '#shared/upload-schemas'

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
const crc32 = (buf: Buffer) => {
  let c = 0xFFFFFFFF
  for (const b of buf) c = crcTable[(c ^ b) & 0xFF]! ^ (c >>> 8)
  return (c ^ 0xFFFFFFFF) >>> 0
}
const chunk = (type: string, data: Buffer) => {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0)
  return Buffer.concat([head, data, crc])
}

/** A real, decodable RGB PNG. */
function png(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr.set([8, 2, 0, 0, 0], 8)
  const raw = Buffer.alloc((width * 3 + 1) * height)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))
  ])
}

function jpeg(width: number, height: number, opts: { sof?: number, exifBytes?: number } = {}): Buffer {
  const app0 = Buffer.from([0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00])
  const exif = opts.exifBytes ? Buffer.concat([Buffer.from([0xFF, 0xE1, (opts.exifBytes + 2) >> 8, (opts.exifBytes + 2) & 0xFF]), Buffer.alloc(opts.exifBytes, 0x45)]) : Buffer.alloc(0)
  // DHT (C4) must not be mistaken for a frame header.
  const dht = Buffer.from([0xFF, 0xC4, 0x00, 0x05, 0x00, 0x00, 0x00])
  const sof = Buffer.from([0xFF, opts.sof ?? 0xC0, 0x00, 0x11, 0x08, height >> 8, height & 0xFF, width >> 8, width & 0xFF, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1])
  return Buffer.concat([Buffer.from([0xFF, 0xD8]), app0, exif, dht, sof, Buffer.from([0xFF, 0xDA, 0x00, 0x02, 0xFF, 0xD9])])
}

const gif = (w: number, h: number) => {
  const b = Buffer.alloc(13)
  b.write('GIF89a', 0, 'latin1')
  b.writeUInt16LE(w, 6)
  b.writeUInt16LE(h, 8)
  return b
}

function webp(kind: 'VP8 ' | 'VP8L' | 'VP8X', w: number, h: number): Buffer {
  const b = Buffer.alloc(40)
  b.write('RIFF', 0, 'latin1')
  b.writeUInt32LE(32, 4)
  b.write('WEBP', 8, 'latin1')
  b.write(kind, 12, 'latin1')
  if (kind === 'VP8 ') {
    b.set([0x9D, 0x01, 0x2A], 23)
    b.writeUInt16LE(w, 26)
    b.writeUInt16LE(h, 28)
  } else if (kind === 'VP8L') {
    b[20] = 0x2F
    b.writeUInt32LE(((w - 1) & 0x3FFF) | (((h - 1) & 0x3FFF) << 14), 21)
  } else {
    b.writeUIntLE(w - 1, 24, 3)
    b.writeUIntLE(h - 1, 27, 3)
  }
  return b
}

const text = (s: string) => {
  const scanner = new TextScanner()
  scanner.push(Buffer.from(s))
  return scanner.finish()
}

describe('magic-byte sniffing', () => {
  it.each<[string, Buffer, SniffedKind]>([
    ['png', png(3, 2), 'png'],
    ['jpeg', jpeg(4, 4), 'jpeg'],
    ['gif', gif(1, 1), 'gif'],
    ['webp', webp('VP8 ', 2, 2), 'webp'],
    ['pdf', Buffer.from('%PDF-1.7\n%âãÏÓ\n', 'latin1'), 'pdf'],
    ['zip / docx', Buffer.from([0x50, 0x4B, 0x03, 0x04, 0x14, 0, 0, 0]), 'zip'],
    ['empty zip', Buffer.from([0x50, 0x4B, 0x05, 0x06, 0, 0]), 'zip'],
    ['legacy office', Buffer.from([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]), 'ole']
  ])('recognises %s', async (_, bytes, kind) => {
    expect(await sniffKind(bytes, false)).toBe(kind)
  })

  it('calls clean UTF-8 text, and only that, text', async () => {
    expect(await sniffKind(Buffer.from('# Notes\n'), text('# Notes\n'))).toBe('text')
    expect(text('naïve café ✓ 日本語')).toBe(true)
    expect(text('has a \u0000 NUL')).toBe(false)
    expect(text('\u{1F600}'.repeat(3))).toBe(true)
    const scanner = new TextScanner()
    scanner.push(Buffer.from([0xC3]))
    expect(scanner.finish()).toBe(false)
    const latin1 = new TextScanner()
    latin1.push(Buffer.from('caf\xE9', 'latin1'))
    expect(latin1.finish()).toBe(false)
  })

  it('judges text across chunk borders, split multi-byte characters included', () => {
    const bytes = Buffer.from('€uro ✓ text')
    const scanner = new TextScanner()
    for (const b of bytes) scanner.push(Buffer.from([b]))
    expect(scanner.finish()).toBe(true)
  })
})

describe('type resolution', () => {
  const resolve = (declared: string | null, fileName: string, kind: SniffedKind) => resolveUploadType({ declared, fileName, kind })

  it('accepts a declared type that the bytes confirm, with aliases and parameters normalised', () => {
    expect(resolve('image/png', 'a.png', 'png')).toEqual({ ok: true, mimeType: 'image/png' })
    expect(resolve('Image/JPG', 'a.jpg', 'jpeg')).toEqual({ ok: true, mimeType: 'image/jpeg' })
    expect(resolve('application/json; charset=utf-8', 'a.json', 'text')).toEqual({ ok: true, mimeType: 'application/json' })
    expect(resolve('application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'a.docx', 'zip').ok).toBe(true)
    expect(resolve('application/msword', 'a.doc', 'ole').ok).toBe(true)
  })

  it('refuses a declared type the bytes contradict', () => {
    expect(resolve('image/png', 'a.png', 'jpeg')).toMatchObject({ ok: false })
    expect(resolve('image/png', 'evil.png', 'text')).toMatchObject({ ok: false })
    expect(resolve('text/plain', 'a.txt', 'binary')).toMatchObject({ ok: false })
    expect(resolve('application/pdf', 'a.pdf', 'zip')).toMatchObject({ ok: false })
    expect(resolve('text/plain', 'archive.txt', 'zip')).toMatchObject({ ok: false })
  })

  it('refuses types outside the list even when the bytes agree', () => {
    expect(resolve('image/svg+xml', 'a.svg', 'text')).toEqual({ ok: false, reason: 'type image/svg+xml is not allowed' })
    expect(resolve('text/html', 'a.html', 'text')).toMatchObject({ ok: false })
    expect(resolve('application/x-msdownload', 'a.exe', 'binary')).toMatchObject({ ok: false })
  })

  it('falls back to the extension, then to the magic number, when the declared type is generic', () => {
    expect(resolve('application/octet-stream', 'notes.md', 'text')).toEqual({ ok: true, mimeType: 'text/markdown' })
    expect(resolve('', 'data.csv', 'text')).toEqual({ ok: true, mimeType: 'text/csv' })
    expect(resolve(null, 'scan', 'pdf')).toEqual({ ok: true, mimeType: 'application/pdf' })
    expect(resolve(null, 'photo', 'png')).toEqual({ ok: true, mimeType: 'image/png' })
    expect(resolve('application/octet-stream', 'tool.exe', 'binary')).toMatchObject({ ok: false })
    expect(resolve('application/octet-stream', 'fake.png', 'text')).toMatchObject({ ok: false })
  })

  it('prefers the precise text type of the extension over text/plain, and copes with Excel-labelled CSV', () => {
    expect(resolve('text/plain', 'README.md', 'text')).toEqual({ ok: true, mimeType: 'text/markdown' })
    expect(resolve('application/vnd.ms-excel', 'export.csv', 'text')).toEqual({ ok: true, mimeType: 'text/csv' })
    expect(resolve('application/vnd.ms-excel', 'sheet.xls', 'ole')).toEqual({ ok: true, mimeType: 'application/vnd.ms-excel' })
  })

  it('normalises declared names', () => {
    expect(canonicalMimeType(' Text/X-Markdown ; charset=UTF-8')).toBe('text/markdown')
    expect(canonicalMimeType(undefined)).toBe('')
  })

  it('exposes an accept list covering every allowed type and extension', () => {
    for (const [type, { extensions }] of Object.entries(UPLOAD_TYPES)) {
      expect(UPLOAD_ACCEPT).toContain(type)
      for (const ext of extensions) expect(UPLOAD_ACCEPT).toContain(`.${ext}`)
    }
  })
})

describe('image size from header bytes', () => {
  it.each<[string, Buffer, SniffedKind, { width: number, height: number }]>([
    ['png', png(37, 21), 'png', { width: 37, height: 21 }],
    ['baseline jpeg', jpeg(640, 480), 'jpeg', { width: 640, height: 480 }],
    ['progressive jpeg after a large EXIF block', jpeg(4032, 3024, { sof: 0xC2, exifBytes: 60_000 }), 'jpeg', { width: 4032, height: 3024 }],
    ['gif', gif(300, 200), 'gif', { width: 300, height: 200 }],
    ['lossy webp', webp('VP8 ', 1024, 768), 'webp', { width: 1024, height: 768 }],
    ['lossless webp', webp('VP8L', 16383, 1), 'webp', { width: 16383, height: 1 }],
    ['extended webp', webp('VP8X', 20000, 9000), 'webp', { width: 20000, height: 9000 }]
  ])('reads %s', (_, bytes, kind, size) => {
    expect(readImageSize(bytes, kind)).toEqual(size)
  })

  it('gives up quietly on truncated or odd headers', () => {
    expect(readImageSize(png(5, 5).subarray(0, 20), 'png')).toBeNull()
    expect(readImageSize(jpeg(10, 10).subarray(0, 30), 'jpeg')).toBeNull()
    expect(readImageSize(Buffer.from([0xFF, 0xD8, 0xFF, 0xDA, 0, 2]), 'jpeg')).toBeNull()
    expect(readImageSize(png(0, 5), 'png')).toBeNull()
    expect(readImageSize(Buffer.from('%PDF-1.4'), 'pdf')).toBeNull()
  })
})

describe('file names', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['C:\\Users\\me\\Desktop\\plan.docx', 'plan.docx'],
    ['../../etc/passwd', 'passwd'],
    ['  .hidden  ', 'hidden'],
    ['trailing dots...', 'trailing dots'],
    ['a<b>c:d"e|f?g*h.txt', 'a_b_c_d_e_f_g_h.txt'],
    ['tab\tand\nnewline.txt', 'tabandnewline.txt'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['zero\u200Bwidth.png', 'zerowidth.png'],
    ['CON.txt', '_CON.txt'],
    ['', 'file'],
    ['...', 'file'],
    ['Ünïcödé – 日本語.pdf', 'Ünïcödé – 日本語.pdf']
  ])('sanitizes %j to %j', (raw, clean) => {
    expect(sanitizeFileName(raw)).toBe(clean)
  })

  it('bounds long names but keeps the extension', () => {
    const name = sanitizeFileName(`${'x'.repeat(500)}.pdf`)
    expect(Array.from(name)).toHaveLength(180)
    expect(name.endsWith('.pdf')).toBe(true)
    expect(Array.from(sanitizeFileName('😀'.repeat(300))).every(c => c === '😀')).toBe(true)
  })

  it('derives an ASCII storage key segment', () => {
    expect(storageKeyName('Résumé 2026 (final).pdf')).toBe('Resume-2026-final.pdf')
    expect(storageKeyName('日本語.txt')).toBe('txt')
    expect(storageKeyName('___')).toBe('___')
    expect(storageKeyName('')).toBe('file')
    expect(storageKeyName('a b/c')).toMatch(/^[\w.-]+$/)
  })

  it('writes Content-Disposition with an ASCII fallback and the UTF-8 name', () => {
    expect(contentDisposition('attachment', 'Résumé "v2".pdf'))
      .toBe('attachment; filename="Resume _v2_.pdf"; filename*=UTF-8\'\'R%C3%A9sum%C3%A9%20%22v2%22.pdf')
    // An ASCII name needs no extended parameter: the quoted one is the whole header.
    expect(contentDisposition('inline', 'a.png')).toBe('inline; filename="a.png"')
  })
})
