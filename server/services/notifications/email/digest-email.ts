import type { EmailNotificationLevel, NotificationKind } from '#shared/enums'
import { emailLink } from '../../../infra/mail/config'
import { emailButton, emailHtml, escapeHtml } from '../../../infra/mail/layout'
import { missedActivityTiming } from './settings'

/** One message the email tells of. `excerpt` is null when the member turned previews off. */
export interface MissedItem {
  kind: NotificationKind
  conversationId: string
  conversationLabel: string
  seq: number
  senderName: string
  excerpt: string | null
}

const EXCERPT_CHARS = 300

const WHAT: Record<NotificationKind, string> = {
  mention: 'mentioned you in',
  reply: 'replied in a thread in',
  dm: 'sent you a direct message'
}

/** A message's text for an email: one line, cut to a readable length. */
export function excerptOf(content: string, type: string): string {
  const text = content.replace(/\s+/g, ' ').trim()
  if (!text) return type === 'file' ? '(a file)' : ''
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS - 1)}…` : text
}

function waited(): string {
  const seconds = Math.round(missedActivityTiming().delayMs / 1000)
  return seconds < 120 ? `${seconds} seconds` : `${Math.round(seconds / 60)} minutes`
}

const headline = (item: MissedItem) => item.kind === 'dm' ? `${item.senderName} ${WHAT.dm}` : `${item.senderName} ${WHAT[item.kind]} ${item.conversationLabel}`
const messageLink = (item: MissedItem) => emailLink(`/c/${item.conversationId}#m-${item.seq}`)

const LEVEL_REASON: Record<Exclude<EmailNotificationLevel, 'none'>, string> = {
  mentions: 'mentions and direct messages',
  all: 'mentions, direct messages and replies in your threads'
}

/**
 * The missed-activity email: every item with a link to its message, in plain text and HTML, and
 * the one-click unsubscribe link (RFC 8058 headers as well as a visible link).
 */
export function missedActivityEmail(items: MissedItem[], level: Exclude<EmailNotificationLevel, 'none'>, unsubscribeUrl: string) {
  const subject = items.length === 1 ? headline(items[0]!) : `${items.length} messages are waiting for you in Project Chat`
  const why = `You get this email because these were still unread ${waited()} after they arrived and your email notifications are set to ${LEVEL_REASON[level]}.`
  const text = [
    'While you were away:',
    '',
    ...items.flatMap(item => [
      `- ${headline(item)}${item.excerpt ? `: ${item.excerpt}` : ''}`,
      `  ${messageLink(item)}`
    ]),
    '',
    why,
    `Unsubscribe: ${unsubscribeUrl}`
  ].join('\n')
  const list = items.map(item => `<li style="margin:0 0 16px">
<strong>${escapeHtml(headline(item))}</strong>
${item.excerpt ? `<div style="margin:4px 0;padding:8px 12px;background:#f4f4f5;border-radius:6px;white-space:pre-wrap">${escapeHtml(item.excerpt)}</div>` : ''}
<a href="${escapeHtml(messageLink(item))}">Open the message</a>
</li>`).join('\n')
  const html = emailHtml({
    heading: 'While you were away',
    body: `<ul style="list-style:none;padding:0;margin:0">
${list}
</ul>
${emailButton(emailLink('/'), 'Open Project Chat')}`,
    footer: `${escapeHtml(why)} <a href="${escapeHtml(unsubscribeUrl)}" style="color:#71717a">Unsubscribe</a>`
  })
  return {
    subject,
    text,
    html,
    headers: { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    links: [...items.map(messageLink), unsubscribeUrl]
  }
}
