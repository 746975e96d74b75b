import { SMTPServer } from 'smtp-server'
import { sleep } from '../support/helpers'

// A local SMTP sink for the email tests, and a small reader of the MIME messages nodemailer writes
// (headers, multipart/alternative, quoted-printable and base64): mailparser is not installed here.

export interface ParsedMail {
  raw: string
  headers: Map<string, string>
  subject: string
  to: string
  text: string
  html: string
}

function decodeWords(value: string): string {
  return value.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=\s*/g, (_all, _charset: string, enc: string, data: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(data, 'base64').toString('utf8')
      : decodeQuotedPrintable(data.replace(/_/g, ' ')))
}

function decodeQuotedPrintable(text: string): string {
  const soft = text.replace(/=\r?\n/g, '')
  const bytes: number[] = []
  for (let i = 0; i < soft.length; i++) {
    const hex = soft.slice(i + 1, i + 3)
    if (soft[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(Number.parseInt(hex, 16))
      i += 2
    } else {
      bytes.push(...Buffer.from(soft[i]!, 'utf8'))
    }
  }
  return Buffer.from(bytes).toString('utf8')
}

function splitEntity(raw: string): { headers: Map<string, string>, body: string } {
  const at = raw.indexOf('\r\n\r\n')
  const head = at < 0 ? raw : raw.slice(0, at)
  const body = at < 0 ? '' : raw.slice(at + 4)
  const headers = new Map<string, string>()
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
  }
  return { headers, body }
}

function decodeBody(headers: Map<string, string>, body: string): string {
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase()
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body)
  return body
}

/** The text/plain and text/html parts of a message, however deep in multiparts. */
function parts(headers: Map<string, string>, body: string, out: { text: string, html: string }) {
  const type = headers.get('content-type') ?? 'text/plain'
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1]
  if (/^multipart\//i.test(type) && boundary) {
    for (const chunk of body.split(`--${boundary}`).slice(1)) {
      if (chunk.startsWith('--')) break
      const part = splitEntity(chunk.replace(/^\r\n/, ''))
      parts(part.headers, part.body, out)
    }
    return
  }
  if (/^text\/html/i.test(type)) out.html = decodeBody(headers, body)
  else if (/^text\/plain/i.test(type)) out.text = decodeBody(headers, body)
}

export function parseMail(raw: string): ParsedMail {
  const { headers, body } = splitEntity(raw)
  const out = { text: '', html: '' }
  parts(headers, body, out)
  return { raw, headers, subject: decodeWords(headers.get('subject') ?? ''), to: headers.get('to') ?? '', ...out }
}

export interface SmtpSink {
  port: number
  mails: ParsedMail[]
  /** Mails to `address` so far. */
  to: (address: string) => ParsedMail[]
  /** Waits until `count` mails reached `address`, then returns them. */
  waitFor: (address: string, count?: number, ms?: number) => Promise<ParsedMail[]>
  close: () => Promise<void>
}

/** An SMTP server on a free loopback port that keeps every message it receives. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const mails: ParsedMail[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        mails.push(parseMail(Buffer.concat(chunks).toString('utf8')))
        callback()
      })
    }
  })
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.server.address()
      resolve(typeof address === 'object' && address ? address.port : 0)
    })
  })
  const to = (address: string) => mails.filter(m => m.to.toLowerCase().includes(address.toLowerCase()))
  return {
    port,
    mails,
    to,
    async waitFor(address, count = 1, ms = 15_000) {
      const deadline = Date.now() + ms
      while (to(address).length < count) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} mail(s) to ${address} (got ${to(address).length})`)
        await sleep(50)
      }
      return to(address)
    },
    close: () => new Promise<void>(resolve => server.close(() => resolve()))
  }
}

/** The links of a message's text part. */
export const linksOf = (mail: ParsedMail) => [...mail.text.matchAll(/https?:\/\/\S+/g)].map(m => m[0])
