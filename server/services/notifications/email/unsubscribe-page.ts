import { escapeHtml } from '../../../infra/mail/layout'

const TEXT = {
  confirm: { title: 'Stop missed-activity emails?', body: 'You will no longer get emails about mentions, direct messages and replies you missed. You can turn them back on in your settings.' },
  done: { title: 'You are unsubscribed', body: 'No more missed-activity emails. You can turn them back on in your settings.' },
  invalid: { title: 'This link is not valid', body: 'The unsubscribe link is incomplete or was changed. Use the link from the latest email, or change your email settings in the app.' }
} as const

/**
 * The small page behind an unsubscribe link. The confirmation's form posts back to the same URL
 * (token included), with no script: the page works under any Content-Security-Policy.
 */
export function unsubscribePage(state: keyof typeof TEXT): string {
  const { title, body } = TEXT[state]
  const form = state === 'confirm'
    ? `<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit" style="background:#16a34a;color:#fff;border:0;border-radius:6px;padding:10px 16px;font-size:15px;cursor:pointer">Unsubscribe</button></form>`
    : `<p><a href="/" style="color:#16a34a">Open Project Chat</a></p>`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title></head>
<body style="margin:0;padding:48px 16px;background:#f4f4f5;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#18181b">
<main style="max-width:420px;margin:0 auto;background:#fff;border-radius:8px;padding:24px">
<h1 style="font-size:20px;margin:0 0 12px">${escapeHtml(title)}</h1>
<p style="line-height:1.5">${escapeHtml(body)}</p>
${form}
</main>
</body></html>`
}
