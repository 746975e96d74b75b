import { describe, expect, it } from 'vitest'
import { findMentions, mentionQueryAt } from '#shared/mentions'
import { renderMessage } from '../../server/services/messages/markdown/render'

const ada = { id: 'u-ada', displayName: 'Ada Lovelace' }
const adam = { id: 'u-adam', displayName: 'Adam' }
const bob = { id: 'u-bob', displayName: 'Bob' }
const members = [ada, adam, bob]
const users = (text: string) => findMentions(text, members).map(m => m.userId ?? m.kind)

describe('finding @mentions', () => {
  it('matches display names with spaces, the longest name first', () => {
    expect(users('@Ada Lovelace can you look?')).toEqual(['u-ada'])
    expect(users('@Adam and @Bob')).toEqual(['u-adam', 'u-bob'])
    expect(users('@ada lovelace')).toEqual(['u-ada'])
  })

  it('lets punctuation end a name but not more letters', () => {
    expect(users('thanks @Bob!')).toEqual(['u-bob'])
    expect(users('@Bob, @Adam. (@Ada Lovelace)')).toEqual(['u-bob', 'u-adam', 'u-ada'])
    expect(users('@Bobby here')).toEqual([])
    expect(users('@Ada Lovelaces')).toEqual([])
  })

  it('ignores e-mail addresses and lone @ signs', () => {
    expect(users('write to bob@example.com or @ someone')).toEqual([])
  })

  it('knows @here, @channel and their Slack/Mattermost spellings', () => {
    expect(users('@here standup, @channel too, @everyone and @all')).toEqual(['here', 'channel', 'channel', 'channel'])
    expect(users('@hereby')).toEqual([])
  })

  it('gives offsets that cut the mention out of the text', () => {
    const text = 'hi @Ada Lovelace!'
    const [m] = findMentions(text, members)
    expect(text.slice(m!.start, m!.end)).toBe('@Ada Lovelace')
  })
})

describe('the composer\'s @ query at the caret', () => {
  it('is the text after the last @ while it can still be a name', () => {
    expect(mentionQueryAt('hello @Ad', 9)).toEqual({ start: 6, query: 'Ad' })
    expect(mentionQueryAt('hello @Ada Lo', 13)).toEqual({ start: 6, query: 'Ada Lo' })
    expect(mentionQueryAt('@', 1)).toEqual({ start: 0, query: '' })
  })

  it('is null outside a mention', () => {
    expect(mentionQueryAt('mail bob@exa', 12)).toBeNull()
    expect(mentionQueryAt('no mention here', 15)).toBeNull()
    expect(mentionQueryAt('@Ada\nnext line', 14)).toBeNull()
    expect(mentionQueryAt('@ Ada', 5)).toBeNull()
  })
})

describe('rendering mentions and emoji', () => {
  it('marks mentions up for the client and reports each once', () => {
    const { html, mentions } = renderMessage('@Ada Lovelace, ping @Bob and @Bob again; @here', members)
    expect(html).toContain('<span class="mention" data-mention="user" data-user-id="u-ada">@Ada Lovelace</span>')
    expect(html).toContain('<span class="mention" data-mention="here">@here</span>')
    expect(mentions).toEqual([{ kind: 'user', userId: 'u-ada' }, { kind: 'user', userId: 'u-bob' }, { kind: 'here', userId: null }])
  })

  it('leaves mentions in inline code, code blocks and links alone', () => {
    const { html, mentions } = renderMessage('`@Bob` and\n\n```\n@Ada Lovelace @channel\n```\n\n[@Adam](https://example.com/@Adam)', members)
    expect(mentions).toEqual([])
    expect(html).not.toContain('class="mention"')
  })

  it('escapes what it marks up', () => {
    const evil = { id: 'u-evil', displayName: '<img src=x onerror=alert(1)>' }
    const { html, mentions } = renderMessage('@<img src=x onerror=alert(1)>', [evil])
    expect(mentions).toEqual([{ kind: 'user', userId: 'u-evil' }])
    expect(html).not.toContain('<img')
  })

  it('renders :shortcodes: as emoji, GitHub and Slack names alike, but not in code', () => {
    const thumbsUp = '\u{1F44D}'
    expect(renderMessage(':wave: :+1: :thumbsup: :tada:').html).toBe(`<p>👋 ${thumbsUp} ${thumbsUp} 🎉</p>`)
    expect(renderMessage('`:wave:` :not_an_emoji:').html).toBe('<p><code>:wave:</code> :not_an_emoji:</p>')
  })
})
