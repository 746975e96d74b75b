import { RE2JS } from 're2js'
import type { Matcher } from './types'

/**
 * re2 runs in time linear in the text whatever the pattern, so an admin's `(a+)+$` cannot stall
 * the send path the way a backtracking RegExp would.
 */
export function regexMatcher(pattern: string, caseInsensitive = false): Matcher {
  const re = RE2JS.compile(pattern, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0)
  return ({ content }) => {
    const found = re.matcher(content)
    if (!found.find()) return null
    return `text: ${(found.group() ?? '').slice(0, 80)}`
  }
}
