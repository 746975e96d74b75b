import type { ExportMessage, ExportMeta } from '../types'
import type { ExportFormatSpec, ExportWriter } from './types'

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\'': '&#39;' }

/** Every piece of user text goes through this: the transcript contains no markup a member wrote. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, c => ENTITIES[c]!)
}

const STYLE = `body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;background:#fff;max-width:860px;margin:0 auto;padding:24px}
header{border-bottom:1px solid #d0d7de;margin-bottom:16px}h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid #d0d7de}
.meta{color:#59636e;font-size:13px;margin:0 0 12px}.day{text-align:center;color:#59636e;font-size:12px;font-weight:600;margin:20px 0 8px;border-top:1px solid #eaeef2;padding-top:6px}
.msg{margin:6px 0;padding:4px 8px;border-radius:6px}.msg.reply{margin-left:32px;border-left:3px solid #d0d7de;padding-left:10px}
.msg.deleted{background:#fff5f5}.who{font-weight:600}.when{color:#59636e;font-size:12px;margin-left:6px}.mark{color:#59636e;font-size:12px;font-style:italic;margin-left:6px}
.text{white-space:pre-wrap;overflow-wrap:anywhere;margin:2px 0 0}.files{margin:4px 0 0;padding-left:18px;font-size:13px}.thread{color:#59636e;font-size:12px}
@media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}.msg.deleted{background:#2d1b1b}.meta,.day,.when,.mark,.thread{color:#9198a1}}`

const time = (iso: string) => iso.slice(11, 16)
const day = (iso: string) => iso.slice(0, 10)

function renderMessage(m: ExportMessage): string {
  const classes = ['msg', m.threadRootId ? 'reply' : '', m.deletedAt ? 'deleted' : ''].filter(Boolean).join(' ')
  const marks = [
    m.editedAt ? `<span class="mark" title="${escapeHtml(m.editedAt)}">(edited)</span>` : '',
    m.deletedAt ? `<span class="mark">(deleted ${escapeHtml(m.deletedAt.replace('T', ' ').slice(0, 16))} UTC${m.deletedBy ? ` by ${escapeHtml(m.deletedBy)}` : ''})</span>` : ''
  ].join('')
  const thread = m.threadRootId ? `<div class="thread">↳ reply in <a href="#m-${escapeHtml(m.threadRootId)}">thread</a></div>` : ''
  const text = m.deletedAt && m.deletedContent ? m.deletedContent : m.content
  const body = text ? `<p class="text">${escapeHtml(text)}</p>` : ''
  const files = m.attachments?.length
    ? `<ul class="files">${m.attachments.map(a => `<li>${escapeHtml(a.fileName)} (${escapeHtml(a.mimeType)}, ${a.sizeBytes} bytes) — <code>${escapeHtml(a.path)}</code></li>`).join('')}</ul>`
    : ''
  return `<article class="${classes}" id="m-${escapeHtml(m.id)}">${thread}<span class="who">${escapeHtml(m.sender.name)}</span>`
    + `<time class="when" datetime="${escapeHtml(m.sentAt)}">${time(m.sentAt)}</time>${marks}${body}${files}</article>\n`
}

/**
 * A self-contained, readable transcript: inline styles, no scripts, no external resources. Messages
 * come in timeline order with a separator per day (UTC) and a heading per conversation; thread
 * replies are indented under a link to their root.
 */
export const htmlFormat: ExportFormatSpec = {
  extension: 'html',
  contentType: 'text/html; charset=utf-8',
  create(meta: ExportMeta): ExportWriter {
    const titles = new Map(meta.conversations.map(c => [c.id, c.title]))
    const heading = meta.conversations.length === 1 ? meta.conversations[0]!.title : `${meta.conversations.length} conversations`
    let conversation: string | null = null
    let lastDay: string | null = null
    const range = meta.from || meta.to ? `${meta.from ?? 'the beginning'} to ${meta.to ?? 'now'}` : 'full history'
    return {
      head: () => `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`
        + `<title>${escapeHtml(heading)} — export</title><style>${STYLE}</style></head><body>\n`
        + `<header><h1>${escapeHtml(heading)}</h1><p class="meta">Exported ${escapeHtml(meta.exportedAt)} · ${escapeHtml(range)}`
        + `${meta.includeDeleted ? ' · deleted messages included' : ''} · times in UTC</p></header>\n<main>\n`,
      rows(batch) {
        let out = ''
        for (const m of batch) {
          if (m.conversationId !== conversation) {
            conversation = m.conversationId
            lastDay = null
            if (meta.conversations.length > 1) out += `<h2>${escapeHtml(titles.get(m.conversationId) ?? m.conversationId)}</h2>\n`
          }
          if (day(m.sentAt) !== lastDay) {
            lastDay = day(m.sentAt)
            out += `<div class="day" role="separator">${lastDay}</div>\n`
          }
          out += renderMessage(m)
        }
        return out
      },
      tail: () => '</main>\n</body></html>\n'
    }
  }
}
