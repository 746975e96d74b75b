import type { Env, MarkdownIt, StateCore } from 'markdown-it'
import type { Mention } from '#shared/types'
import { findMentions, type Mentionable } from '#shared/mentions'

/** What a render is given and collects: the conversation's members in, the mentions found out. */
export interface MentionEnv extends Env {
  members: readonly Mentionable[]
  mentions: Mention[]
}

/**
 * Turns @mentions in text into marked-up spans and records them in the render env. Runs on text
 * tokens only, so mentions inside inline code, code blocks and link text are left alone.
 */
export const mentionsPlugin = (md: MarkdownIt) => {
  md.core.ruler.push('mentions', (state: StateCore) => {
    const env = state.env as Partial<MentionEnv>
    if (!env.mentions) return
    const members = env.members ?? []
    const textToken = (content: string) => Object.assign(new state.Token('text', '', 0), { content })
    for (const block of state.tokens) {
      if (block.type !== 'inline' || !block.children) continue
      let linkDepth = 0
      const out: typeof block.children = []
      for (const token of block.children) {
        if (token.type === 'link_open') linkDepth++
        if (token.type === 'link_close') linkDepth--
        const found = token.type === 'text' && linkDepth === 0 ? findMentions(token.content, members) : []
        if (found.length === 0) {
          out.push(token)
          continue
        }
        let from = 0
        for (const mention of found) {
          if (mention.start > from) out.push(textToken(token.content.slice(from, mention.start)))
          const span = new state.Token('html_inline', '', 0)
          const label = md.utils.escapeHtml(token.content.slice(mention.start, mention.end))
          const user = mention.userId ? ` data-user-id="${mention.userId}"` : ''
          span.content = `<span class="mention" data-mention="${mention.kind}"${user}>${label}</span>`
          out.push(span)
          env.mentions.push({ kind: mention.kind, userId: mention.userId })
          from = mention.end
        }
        if (from < token.content.length) out.push(textToken(token.content.slice(from)))
      }
      block.children = out
    }
  })
}
