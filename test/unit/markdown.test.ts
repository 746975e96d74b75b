import { describe, expect, it } from 'vitest'
import { prepareCodeLanguages, renderMarkdown } from '../../server/services/messages/markdown/render'

describe('renderMarkdown', () => {
  it('renders emphasis, lists and links', () => {
    const html = renderMarkdown('**bold** _it_\n\n- a\n- b\n\nhttps://example.com')
    expect(html).toContain('<strong>bold</strong>')
    expect(html).toContain('<em>it</em>')
    expect(html).toContain('<li>a</li>')
    expect(html).toMatch(/<a href="https:\/\/example.com" target="_blank" rel="noopener noreferrer nofollow">/)
  })

  it('shows a script tag as text instead of running it', () => {
    const html = renderMarkdown('<script>alert(1)</script>')
    expect(html).not.toContain('<script')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  it('keeps an onerror payload inert', () => {
    const html = renderMarkdown('<img src=x onerror=alert(1)>')
    expect(html).not.toMatch(/<img/i)
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
  })

  it('drops javascript: links', () => {
    const html = renderMarkdown('[click](javascript:alert(1))')
    expect(html).not.toMatch(/href="javascript:/i)
    expect(html).not.toContain('<a')
  })

  it('highlights fenced code with light and dark colors, once its language is loaded', async () => {
    const source = '```ts\nconst x: number = 1\n```'
    await prepareCodeLanguages(source)
    const html = renderMarkdown(source)
    expect(html).toContain('<pre class="shiki')
    expect(html).toMatch(/style="color:#[0-9A-Fa-f]+;--shiki-dark:#[0-9A-Fa-f]+"/)
    expect(html).toContain('const')
  })

  it('escapes code in an unknown language', () => {
    const html = renderMarkdown('```nope\n<b>x</b>\n```')
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;')
  })

  it('loads the languages developers use on first use, under their usual names', async () => {
    const fences = ['c', 'c++', 'cs', 'go', 'java', 'kt', 'php', 'py', 'rb', 'rust', 'swift', 'sql', 'yml', 'sh']
    const source = fences.map(lang => '```' + lang + '\nx\n```').join('\n\n')
    expect(renderMarkdown('```kotlin\nval x = 1\n```')).not.toContain('shiki')
    await prepareCodeLanguages(source)
    const blocks = renderMarkdown(source).match(/<pre class="shiki/g) ?? []
    expect(blocks).toHaveLength(fences.length)
  }, 30_000) // fourteen grammars compiled at once: seconds on a busy two-core machine
})
