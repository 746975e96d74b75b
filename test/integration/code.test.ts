import { afterEach, describe, expect, it } from 'vitest'
import { closeAllSockets, connect, send, setupConversation, signUp } from '../support/helpers'

afterEach(() => closeAllSockets())

describe('code blocks', () => {
  it('are highlighted in the languages developers use, loaded as messages need them', async () => {
    const alice = await signUp('Alice')
    const { conversation } = await setupConversation(alice, [])
    const a = await connect(alice)
    for (const lang of ['kotlin', 'swift', 'csharp', 'ruby', 'cpp']) {
      const sent = await send(a, conversation.id, '```' + lang + '\nfun main() { println("hi") }\n```')
      expect(sent.ok && sent.message.contentHtml).toContain('<pre class="shiki')
    }
    const unknown = await send(a, conversation.id, '```brainfuck\n+++<b>\n```')
    expect(unknown.ok && unknown.message.contentHtml).toContain('&lt;b&gt;')
  })
})
