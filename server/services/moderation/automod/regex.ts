import { RE2JS } from 're2js'
import { readableOf } from './readable'
import type { Matcher } from './types'

/**
 * re2 runs in time linear in the text whatever the pattern, so an admin's `(a+)+$` cannot stall
 * the send path the way a backtracking RegExp would. The text as typed first (a pattern may be
 * about markdown itself), then as members will read it, so emphasis and invisible characters
 * hide nothing.
 */
export function regexMatcher(pattern: string, caseInsensitive = false): Matcher {
  const re = RE2JS.compile(pattern, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0)
  const find = (text: string) => {
    const found = re.matcher(text)
    return found.find() ? `text: ${(found.group() ?? '').slice(0, 80)}` : null
  }
  return (input) => {
    const readable = readableOf(input)
    return find(input.content) ?? (readable === input.content ? null : find(readable))
  }
}
