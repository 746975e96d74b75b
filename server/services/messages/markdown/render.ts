import MarkdownIt from 'markdown-it'
import { bare as emojiPlugin } from 'markdown-it-emoji'
import sanitizeHtml from 'sanitize-html'
import { createHighlighterCoreSync, type HighlighterCore } from 'shiki/core'
import { createJavaScriptRegexEngine } from 'shiki/engine/javascript'
import githubDark from 'shiki/themes/github-dark.mjs'
// The high-contrast light theme: github-light's orange and grey tokens miss WCAG AA on white.
import githubLight from 'shiki/themes/github-light-high-contrast.mjs'
import { lazy } from '../../../infra/lazy'
import { LANGUAGE_LOADERS, fenceLanguage, fenceLanguages } from './code-languages'
import type { Mention } from '#shared/types'
import { useEmojiIndex } from '../emoji'
import { mentionsPlugin, type MentionEnv } from './mentions'
import { isPlainLine, plainLineHtml } from './plain-line'
import type { Mentionable } from '#shared/mentions'

const getHighlighter = lazy('highlighter', (): HighlighterCore => createHighlighterCoreSync({
  themes: [githubLight, githubDark],
  langs: [],
  engine: createJavaScriptRegexEngine()
}))

/**
 * Loads the grammars a message's code blocks need, once per process, before it is rendered;
 * rendering itself stays synchronous. A block in a language not loaded renders as plain code.
 */
export async function prepareCodeLanguages(content: string): Promise<void> {
  const hl = getHighlighter()
  const loaded = new Set(hl.getLoadedLanguages())
  for (const lang of fenceLanguages(content)) {
    if (loaded.has(lang)) continue
    const grammar = await LANGUAGE_LOADERS[lang]!()
    hl.loadLanguageSync(grammar.default)
  }
}

function highlight(code: string, info: string): string {
  const lang = fenceLanguage(info)
  const hl = getHighlighter()
  if (!lang || !hl.getLoadedLanguages().includes(lang)) return ''
  return hl.codeToHtml(code, { lang, themes: { light: 'github-light-high-contrast', dark: 'github-dark' } })
}

// Raw HTML in markdown is off: a typed <script> or <img onerror> becomes visible text.
const md = new MarkdownIt({ html: false, linkify: true, breaks: true, highlight })
md.use(emojiPlugin, { defs: Object.fromEntries(useEmojiIndex().byShortcode) })
md.use(mentionsPlugin)

const color = [/^#[0-9a-f]{3,8}$/i]
const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'strong', 'em', 's', 'del', 'code', 'pre', 'span', 'a', 'ul', 'ol', 'li', 'blockquote', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td'],
  allowedAttributes: { a: ['href', 'title', 'target', 'rel'], pre: ['class', 'style', 'tabindex'], code: ['class'], span: ['class', 'style', 'data-mention', 'data-user-id'], ol: ['start'] },
  allowedClasses: { pre: ['shiki', 'shiki-themes', 'github-light', 'github-light-high-contrast', 'github-dark'], code: [/^language-[\w-]+$/], span: ['line', 'mention'] },
  allowedStyles: {
    '*': {
      'color': color,
      'background-color': color,
      '--shiki-dark': color,
      '--shiki-light': color,
      '--shiki-dark-bg': color,
      '--shiki-light-bg': color,
      'font-style': [/^italic$/],
      'font-weight': [/^bold$/, /^\d{3}$/],
      'text-decoration': [/^underline$/, /^line-through$/]
    }
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  transformTags: { a: sanitizeHtml.simpleTransform('a', { target: '_blank', rel: 'noopener noreferrer nofollow' }) }
}

export interface RenderedMessage {
  html: string
  /** The @mentions in the text, outside code and links, each kind and user once. */
  mentions: Mention[]
}

/**
 * Renders message markdown to HTML that is safe to insert into the page as is: `:shortcode:`
 * emoji become emoji, and @mentions of `members` (and @here / @channel) become
 * `<span class="mention" data-mention="user|here|channel" data-user-id>` the client styles.
 */
export function renderMessage(content: string, members: readonly Mentionable[] = []): RenderedMessage {
  if (isPlainLine(content, md.linkify)) return { html: plainLineHtml(content), mentions: [] }
  return renderThroughMarkdown(content, members)
}

/** {@link renderMessage} without the shortcut for plain lines: every text through the parser and the sanitiser. */
export function renderThroughMarkdown(content: string, members: readonly Mentionable[] = []): RenderedMessage {
  const env: MentionEnv = { members, mentions: [] }
  const html = sanitizeHtml(md.render(content, env), SANITIZE).trim()
  const unique = new Map(env.mentions.map(m => [`${m.kind}:${m.userId ?? ''}`, m]))
  return { html, mentions: [...unique.values()] }
}

/** Renders message markdown to safe HTML (no member list: only @here / @channel are recognised). */
export function renderMarkdown(content: string): string {
  return renderMessage(content).html
}

/**
 * Text shown as written, never as markdown: system lines carry names and titles members chose, and
 * "renamed the conversation to “[click](http://…)”" must not become a link in an official-looking line.
 */
export function renderPlainText(text: string): string {
  return `<p>${md.utils.escapeHtml(text).replace(/\r?\n/g, '<br>')}</p>`
}

/**
 * What a reader sees of rendered markdown, as plain text: emphasis, links and entities resolved
 * (`**b**ad` and `b&#97;d` read "bad"), code kept, an image's alt text in its place (the same
 * words show as written where markdown is not rendered: titles, names); then the targets of links
 * and images, one per line, since a reader follows those. Parsing only, no rendering or
 * sanitizing: this runs on the send path.
 */
export function plainTextOf(content: string): string {
  if (isPlainLine(content, md.linkify)) return content
  const out: string[] = []
  const targets: string[] = []
  for (const block of md.parse(content, {})) {
    if (block.type === 'code_block' || block.type === 'fence') {
      out.push(block.content)
      continue
    }
    // A block's end (or a rule) is a line break to the reader; its start is not.
    if (block.type !== 'inline' || !block.children) {
      if (block.nesting !== 1) out.push('\n')
      continue
    }
    let linkText = ''
    let href: string | null = null
    for (const token of block.children) {
      if (token.type === 'link_open') {
        href = String(token.attrGet('href') ?? '')
        linkText = ''
      } else if (token.type === 'link_close') {
        if (href && href !== linkText) targets.push(href)
        href = null
      } else if (token.type === 'softbreak' || token.type === 'hardbreak') {
        out.push('\n')
      } else if (token.type === 'image') {
        out.push(token.content)
        const src = token.attrGet('src')
        if (src) targets.push(String(src))
      } else if (token.type === 'text' || token.type === 'code_inline' || token.type === 'emoji') {
        out.push(token.content)
        if (href !== null) linkText += token.content
      }
    }
  }
  const shown = out.join('').trim()
  return targets.length ? `${shown}\n${targets.join('\n')}` : shown
}
