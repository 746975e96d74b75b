const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\'': '&#39;' }

/** Text made safe for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, c => ESCAPES[c]!)
}

/**
 * The HTML shell every email shares: inline styles only (mail clients drop style sheets), one
 * column, a heading, the body and a small footer. `body` and `footer` are HTML the caller escaped.
 */
export function emailHtml({ heading, body, footer }: { heading: string, body: string, footer?: string }): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(heading)}</title></head>
<body style="margin:0;padding:24px;background:#f4f4f5;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#18181b">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px">
<h1 style="font-size:18px;margin:0 0 16px">${escapeHtml(heading)}</h1>
${body}
</div>
${footer ? `<p style="max-width:560px;margin:16px auto 0;font-size:12px;color:#71717a">${footer}</p>` : ''}
</body></html>`
}

/** A button-looking link. */
export function emailButton(href: string, label: string): string {
  return `<p style="margin:24px 0"><a href="${escapeHtml(href)}" style="background:#16a34a;color:#ffffff;padding:10px 16px;border-radius:6px;text-decoration:none;display:inline-block">${escapeHtml(label)}</a></p>`
}
