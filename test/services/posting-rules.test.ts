import { afterAll, afterEach, describe, expect, inject, it } from 'vitest'
import postgres from 'postgres'
import { closeAllSockets, connect, send, setupConversation, signUp } from '../support/helpers'
import { history, instances } from './helpers'

// The admin endpoints that mute, lock and set slow mode come later; the rules they rely on are
// enforced by the send path already, so they are set up here directly in the database.
const db = postgres(inject('services').databaseUrl, { max: 2, onnotice: () => {} })
afterAll(() => db.end({ timeout: 5 }))
afterEach(() => closeAllSockets())

async function scene() {
  const { A } = instances()
  const owner = await signUp('Owner', A)
  const member = await signUp('Member', A)
  const conversation = (await setupConversation(owner, [member], 'rules', A)).conversation
  return { A, owner, member, conversation, socket: await connect(member, { base: A }), ownerSocket: await connect(owner, { base: A }) }
}

const codeOf = (reply: Awaited<ReturnType<typeof send>>) => reply.ok ? 'ok' : reply.error.code

describe('posting rules', () => {
  it('a muted or banned member cannot post until the sanction ends or is revoked, and nothing is stored', async () => {
    const { A, member, conversation, socket } = await scene()
    const [mute] = await db`insert into user_sanctions (user_id, kind, reason, until) values (${member.user.id}, 'mute', 'cool down', now() + interval '1 hour') returning id`
    const muted = await send(socket, conversation.id, 'let me talk')
    expect(codeOf(muted)).toBe('MUTED')
    expect(muted.ok ? null : muted.error.details?.until).toBeTruthy()
    await db`update user_sanctions set revoked_at = now() where id = ${mute!.id}`
    expect(codeOf(await send(socket, conversation.id, 'thanks'))).toBe('ok')
    await db`insert into user_sanctions (user_id, kind, reason) values (${member.user.id}, 'ban', 'spam')`
    expect(codeOf(await send(socket, conversation.id, 'again'))).toBe('MUTED')
    await db`insert into user_sanctions (user_id, kind, until) values (${member.user.id}, 'mute', now() - interval '1 minute')`
    const stored = await history(A, member, conversation.id)
    expect(stored.map(m => m.content)).toEqual(['thanks'])
  })

  it('a locked or archived conversation refuses members and its owner alike: the lock is an admin\'s', async () => {
    const { conversation, socket, ownerSocket } = await scene()
    for (const status of ['locked', 'archived'] as const) {
      await db`update conversations set status = ${status} where id = ${conversation.id}`
      expect(codeOf(await send(socket, conversation.id, `in ${status}`))).toBe('CONVERSATION_LOCKED')
      expect(codeOf(await send(ownerSocket, conversation.id, `owner in ${status}`))).toBe('CONVERSATION_LOCKED')
    }
  })

  it('slow mode spaces a member\'s messages and says how long to wait', async () => {
    const { conversation, socket, ownerSocket } = await scene()
    await db`update conversations set settings = ${db.json({ slowModeSeconds: 30 })} where id = ${conversation.id}`
    expect(codeOf(await send(socket, conversation.id, 'first'))).toBe('ok')
    const second = await send(socket, conversation.id, 'second')
    expect(codeOf(second)).toBe('SLOW_MODE')
    const wait = second.ok ? 0 : Number(second.error.details?.retryAfterMs)
    expect(wait).toBeGreaterThan(25_000)
    expect(wait).toBeLessThanOrEqual(30_000)
    // An admin's slow mode binds the conversation's owner too.
    expect(codeOf(await send(ownerSocket, conversation.id, 'one'))).toBe('ok')
    expect(codeOf(await send(ownerSocket, conversation.id, 'two'))).toBe('SLOW_MODE')
  })
})
