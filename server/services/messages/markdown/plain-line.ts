// Most chat messages are one line of words and everyday punctuation, which markdown renders as
// the same text in a paragraph. Parsing and sanitising such a line costs a send more than its
// insert does, so it is recognised up front and written directly.

/**
 * Characters that start a markdown construct anywhere in a line (emphasis, code, links, images,
 * autolinks, entities, escapes, emoji shortcodes, mentions, strikethrough, tables, headings,
 * lists, block quotes) or that sanitising would rewrite, and control characters (tabs and line
 * breaks start code blocks and new lines).
 */
// eslint-disable-next-line no-control-regex
const MARKUP = /[\u0000-\u001f\u007f!#$%&*+\-:<>@\\^_`{}|~]/
/** A line that opens an ordered list ("1986. A good year"). */
const ORDERED_LIST = /^\d+[.)]/
/** An inline link `[text](url)`; a bracket with no target stays text. */
const INLINE_LINK = /\]\(/

/**
 * Whether markdown would render this text as itself in one paragraph. `linkify` is the renderer's
 * own URL detector: a line it finds a link in takes the full path.
 */
export function isPlainLine(content: string, linkify: { test: (text: string) => boolean }): boolean {
  return content.length > 0
    && content === content.trim()
    && !MARKUP.test(content)
    && !ORDERED_LIST.test(content)
    && !INLINE_LINK.test(content)
    && !linkify.test(content)
}

/** The HTML of a plain line, as the markdown renderer followed by the sanitiser writes it. */
export function plainLineHtml(content: string): string {
  return `<p>${content}</p>`
}
