import { randomUUID } from 'node:crypto'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import nodemailer from 'nodemailer'
import type Mail from 'nodemailer/lib/mailer'
import { lazy } from '../lazy'
import { logger } from '../logger'
import { mailConfig } from './config'

/** One email: plain text and HTML bodies of the same content, and optional extra headers. */
export interface OutgoingMail {
  to: string
  subject: string
  text: string
  html: string
  headers?: Record<string, string>
  /** The links the email carries, logged when the email is only written to disk. */
  links?: string[]
}

// One SMTP transport per process; nodemailer opens a connection per message unless pooled.
const smtp = lazy('mail-smtp', (): Mail | null => {
  const { smtpUrl } = mailConfig()
  return smtpUrl ? nodemailer.createTransport(smtpUrl) : null
})
// Builds the raw RFC 5322 message without sending it, for the outbox folder.
const composer = lazy('mail-composer', () => nodemailer.createTransport({ streamTransport: true, buffer: true }))

/**
 * Sends an email through SMTP_URL, or without it writes the raw message as an `.eml` file under
 * DATA_DIR/mail and logs where it is. Throws when the message could not be handed over.
 */
export async function sendMail(mail: OutgoingMail): Promise<void> {
  const { from, outboxDir } = mailConfig()
  const message = { from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, headers: mail.headers }
  const transport = smtp()
  if (transport) {
    await transport.sendMail(message)
    return
  }
  const info = await composer().sendMail(message)
  if (!Buffer.isBuffer(info.message)) throw new Error('the mail composer did not return a buffer')
  const file = join(outboxDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}.eml`)
  await mkdir(outboxDir, { recursive: true })
  // Written beside its final name, then renamed: a reader of the folder never sees half a message.
  const partial = `${file}.partial`
  await writeFile(partial, info.message, { mode: 0o600 })
  await rename(partial, file)
  // The logger redacts `?token=` values, so a link with a secret is followed from the file itself.
  logger.info({ to: mail.to, subject: mail.subject, file, links: mail.links ?? [] }, 'email written to the outbox folder (no SMTP_URL)')
}

/** Closes the SMTP transport's connections at shutdown. */
export function closeMail(): void {
  smtp.reset()?.close()
  composer.reset()?.close()
}
