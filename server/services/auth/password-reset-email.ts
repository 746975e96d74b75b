import { emailLink } from '../../infra/mail/config'
import { emailButton, emailHtml, escapeHtml } from '../../infra/mail/layout'

/** The password reset email: subject, text and HTML around the single-use link. */
export function passwordResetEmail(displayName: string, token: string, ttlSeconds: number) {
  const lifetime = ttlSeconds >= 120 ? `${Math.round(ttlSeconds / 60)} minutes` : `${ttlSeconds} seconds`
  const link = emailLink(`/reset?token=${encodeURIComponent(token)}`)
  const subject = 'Reset your Project Chat password'
  const ignore = 'If you did not ask for this, ignore this email: your password stays as it is.'
  const text = [
    `Hi ${displayName},`,
    '',
    'Someone (hopefully you) asked to reset the password of your Project Chat account. Open this link to choose a new one:',
    '',
    link,
    '',
    `The link works once, for ${lifetime}. Setting a new password signs you out everywhere.`,
    ignore
  ].join('\n')
  const html = emailHtml({
    heading: 'Reset your password',
    body: `<p>Hi ${escapeHtml(displayName)},</p>
<p>Someone (hopefully you) asked to reset the password of your Project Chat account.</p>
${emailButton(link, 'Choose a new password')}
<p style="font-size:13px;color:#52525b">Or paste this link into your browser:<br><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>
<p style="font-size:13px;color:#52525b">The link works once, for ${lifetime}. Setting a new password signs you out everywhere.</p>`,
    footer: escapeHtml(ignore)
  })
  return { subject, text, html, links: [link] }
}
