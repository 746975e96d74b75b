import type { Socket } from 'socket.io-client'
import { inject } from 'vitest'
import type { Message } from '#shared/types'
import type { ClientEventAck } from '#shared/events'
import { ack, api, must, type Session } from '../support/helpers'

// What only the services suites need; everything else comes from test/support/helpers.ts.

/** Instance A and instance B of the postgres-redis project (same Postgres, same Redis). */
export const instances = () => {
  const [a, b] = inject('servers')
  if (!a || !b) throw new Error('the postgres-redis project provides two servers')
  return { A: a, B: b }
}

/**
 * Pages `sync:request` from `afterSeq` until `hasMore` is false; returns every page's messages in
 * the order received, the number of pages, and the final cursor.
 */
export async function syncAll(socket: Socket, conversationId: string, afterSeq: number): Promise<{ messages: Message[], pages: number, cursor: number }> {
  const messages: Message[] = []
  let cursor = afterSeq
  for (let pages = 1; pages < 100; pages++) {
    const reply = await ack<ClientEventAck<'sync:request'>>(socket, 'sync:request', { conversations: [{ conversationId, afterSeq: cursor }] })
    if (!reply.ok) throw new Error(`sync failed: ${JSON.stringify(reply.error)}`)
    const result = reply.results.find(r => r.conversationId === conversationId)!
    messages.push(...result.messages)
    if (result.messages.length) cursor = result.messages.at(-1)!.updatedSeq
    if (!result.hasMore) return { messages, pages, cursor: Math.max(cursor, result.lastSeq ?? 0) }
  }
  throw new Error('sync did not finish in 100 pages')
}

/** Whole history through REST, ascending by seq. */
export async function history(base: string, session: Session, conversationId: string): Promise<Message[]> {
  const all: Message[] = []
  let afterSeq = 0
  for (;;) {
    const page = must(await api<{ messages: Message[], hasMore: boolean }>(base, 'GET', `/api/conversations/${conversationId}/messages?limit=100&afterSeq=${afterSeq}`, { token: session.token }), 'history')
    all.push(...page.messages)
    if (!page.hasMore || !page.messages.length) return all
    afterSeq = page.messages.at(-1)!.seq
  }
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return Number.NaN
  const sorted = [...values].sort((x, y) => x - y)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}
