import { join } from 'node:path'
import { getConfig } from '../../utils/config'
import { lazy } from '../lazy'
import { publicUrl } from '../public-url'

/** Where outgoing mail goes: an SMTP server, or `.eml` files under DATA_DIR/mail (embedded mode). */
export interface MailConfig {
  smtpUrl: string | null
  from: string
  /** The folder `.eml` files are written to when no SMTP server is configured. */
  outboxDir: string
  /** The origin links in emails start with. */
  origin: string
}

/** Reads SMTP_URL, MAIL_FROM and PUBLIC_URL once. */
export const mailConfig = lazy('mail-config', (): MailConfig => {
  // An email link must be absolute: without PUBLIC_URL it points at this server on localhost.
  const origin = publicUrl() ?? `http://localhost:${process.env.PORT || process.env.NITRO_PORT || 3000}`
  return {
    smtpUrl: process.env.SMTP_URL?.trim() || null,
    from: process.env.MAIL_FROM?.trim() || `Project Chat <no-reply@${new URL(origin).hostname}>`,
    outboxDir: join(getConfig().dataDir, 'mail'),
    origin
  }
})

/** An absolute link to `path` (starting with `/`) for an email. */
export function emailLink(path: string): string {
  return new URL(path, mailConfig().origin).toString()
}
