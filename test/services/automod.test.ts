import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { AutomodRule } from '#shared/automod-schemas'
import { api, closeAllSockets, connect, logIn, must, send, setupConversation, signUp, sleep } from '../support/helpers'
import { history, instances } from './helpers'

afterEach(() => closeAllSockets())

const codeOf = (reply: Awaited<ReturnType<typeof send>>) => reply.ok ? 'ok' : reply.error.code
/** Time for the notice to cross Redis pub/sub to the other instance; no restart, no cache expiry. */
const PUBSUB_HOP_MS = 100

describe('automod rules take effect on every instance at once', () => {
  it('a rule created on A blocks a send on B, an edit on A shows on B, and a deletion on A stops it blocking on B', async () => {
    const { A, B } = instances()
    const admin = await logIn('admin@example.com', 'password', A)
    const owner = await signUp('Owner', A)
    const member = await signUp('Member', A)
    const { projectId, conversation } = await setupConversation(owner, [member], 'automod', A)
    const onB = await connect(member, { base: B })
    const word = `zork${randomUUID().slice(0, 6)}`

    // B has read (and cached) the rule set before the change: the change must invalidate it.
    expect(codeOf(await send(onB, conversation.id, `warm up ${word}`))).toBe('ok')

    const { rule } = must(await api<{ rule: AutomodRule }>(A, 'POST', '/api/admin/automod/rules', {
      token: admin.token, body: { name: 'No zork', kind: 'regex', pattern: word, action: 'block', projectId }
    }), 'create on A')
    await sleep(PUBSUB_HOP_MS)
    const blocked = await send(onB, conversation.id, `say ${word}`)
    expect(blocked.ok ? null : blocked.error).toMatchObject({ code: 'CONTENT_BLOCKED', details: { rule: 'No zork', kind: 'regex' } })

    must(await api(A, 'PATCH', `/api/admin/automod/rules/${rule.id}`, { token: admin.token, body: { name: 'Renamed zork' } }), 'rename on A')
    await sleep(PUBSUB_HOP_MS)
    const renamed = await send(onB, conversation.id, `say ${word}`)
    expect(renamed.ok ? null : renamed.error.details).toMatchObject({ rule: 'Renamed zork' })

    must(await api(A, 'DELETE', `/api/admin/automod/rules/${rule.id}`, { token: admin.token }), 'delete on A')
    await sleep(PUBSUB_HOP_MS)
    expect(codeOf(await send(onB, conversation.id, `say ${word} again`))).toBe('ok')

    const stored = await history(B, member, conversation.id)
    expect(stored.map(m => m.content)).toEqual([`warm up ${word}`, `say ${word} again`])
  })
})
