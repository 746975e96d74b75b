import { randomUUID } from 'node:crypto'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { describe, expect, inject, it } from 'vitest'
import { insertPlainMessages } from '~~/server/services/messages/plain-insert'
import type { Db } from '~~/server/db/client'
import { setupConversation, signUp } from '../support/helpers'
import { instances } from './helpers'

// Every plain message goes through this one prepared statement. With one array per column the
// planner sized each batch from its arrays, found that plan cheaper than the shared one and planned
// the statement again on every execution: a quarter of the database's CPU for a one-message batch.
describe('the plain-message statement', () => {
  it('settles on one generic plan after its first executions, and still numbers each batch in order', async () => {
    const { A } = instances()
    const alice = await signUp('Plan Alice', A)
    const bob = await signUp('Plan Bob', A)
    const { conversation } = await setupConversation(alice, [bob], 'plans', A)
    const client = postgres(inject('services').databaseUrl, { max: 1, onnotice: () => {} })
    try {
      let params: unknown[] = []
      const db = drizzle(client, { logger: { logQuery: (_text, values) => { params = values } } }) as unknown as Db
      const stored = []
      // Batches of one and of three, as the group commit hands them over at low and high rates.
      for (let i = 0; i < 12; i++) {
        const size = i % 2 ? 3 : 1
        const batch = Array.from({ length: size }, (_, k) => ({
          conversationId: conversation.id,
          senderId: k % 2 ? bob.user.id : alice.user.id,
          clientId: randomUUID(),
          content: `plan ${i}.${k} "quoted" \\ back`,
          contentHtml: `<p>plan ${i}.${k}</p>`
        }))
        const rows = await insertPlainMessages(db, batch)
        expect(rows.map(r => r.content).sort()).toEqual(batch.map(b => b.content).sort())
        stored.push(...rows.sort((a, b) => a.seq - b.seq))
      }
      const first = stored[0]!.seq
      expect(stored.map(r => r.seq)).toEqual(Array.from({ length: stored.length }, (_, i) => first + i))
      const [statement] = await client<{ name: string, generic: number, custom: number }[]>`select name, generic_plans::int as generic, custom_plans::int as custom
        from pg_prepared_statements where statement like '%insert into "messages"%' order by generic_plans + custom_plans desc limit 1`
      // Postgres tries five custom plans before it compares them with the generic one.
      expect(statement).toMatchObject({ generic: 7, custom: 5 })
      // What keeps it there on any database: the plan made for a batch of one and for a batch of forty
      // is the same plan, so no batch's own plan can look cheaper than the shared one.
      const planFor = async (size: number) => {
        const batch = JSON.stringify(Array.from({ length: size }, (_, k) => ({
          conversation_id: conversation.id, sender_id: alice.user.id, client_id: randomUUID(), content: `x${k}`, content_html: `<p>x${k}</p>`, ord: k + 1
        })))
        await client`set plan_cache_mode = force_custom_plan`
        const literal = (value: unknown) => `'${String(value).replace(/'/g, '\'\'')}'`
        const [row] = await client.unsafe(`explain (format json) execute "${statement!.name}"(${[batch, ...params.slice(1)].map(literal).join(', ')})`)
        await client`reset plan_cache_mode`
        return JSON.stringify(row!['QUERY PLAN'])
      }
      expect(await planFor(1)).toBe(await planFor(40))
    } finally {
      await client.end({ timeout: 1 })
    }
  })
})
