import { and, eq, sql } from 'drizzle-orm'
import type { ReadMarkInput } from '#shared/schemas'
import { useDb, type Db } from '../../db/client'
import { conversationParticipants, conversations, profiles } from '../../db/schema'
import { publishToUser } from '../../infra/realtime'
import { notParticipant, notProjectBanned } from '../access'
import { mentionCountSql, unreadCountSql } from './reads-counts'
import { coalesceMarks } from './receipts-coalesce'
import { publishRead } from './receipts-sharing'
import type { Actor } from '../../domain/actor'

const actorId = sql.placeholder('actorId')
const conversationId = sql.placeholder('conversationId')
const seq = sql.placeholder('seq')

/** A column of the `gate` CTE, always qualified: the update's target table and the counts' tables sit beside it. */
const gateColumn = (name: 'marker' | 'target') => sql`${sql.identifier('gate')}.${sql.identifier(name)}`

/**
 * Built and prepared once per database handle: a read mark in one round trip. `gate` is the caller's
 * row under the rule of requireParticipant (a participant, in a project not closed to them) and where
 * the mark leads; `moved` writes the marker only forward and never past the last message (what is
 * read was delivered too); the select returns what the announce needs: the marker written (null when
 * nothing moved), the counts past the marker and whether the reader shares receipts. No row: not a
 * participant. The select does not see the statement's own write, so the counts take the marker the
 * write leaves: the greater of the stored one and the target.
 */
function prepare(db: Db) {
  const p = conversationParticipants
  const c = conversations
  const target = sql`least(${seq}::bigint, ${c.lastSeq})`
  const gate = db.$with('gate').as(db.select({
    marker: sql<number>`greatest(${p.lastReadSeq}, ${target})`.as('marker'),
    target: sql<number>`${target}`.as('target')
  }).from(p).innerJoin(c, eq(c.id, p.conversationId))
    .where(and(eq(p.conversationId, conversationId), eq(p.userId, actorId), notProjectBanned(sql`${actorId}`, c.projectId))))
  const moved = db.$with('moved').as(db.update(p)
    .set({ lastReadSeq: gateColumn('target'), readAt: sql`now()`, deliveredSeq: sql`greatest(${p.deliveredSeq}, ${gateColumn('target')})` })
    .from(gate)
    .where(and(eq(p.conversationId, conversationId), eq(p.userId, actorId), sql`${p.lastReadSeq} < ${gateColumn('target')}`))
    .returning({ seq: p.lastReadSeq }))
  const user = sql`${actorId}`
  const conversation = sql`${conversationId}`
  return db.with(gate, moved).select({
    moved: sql<number | null>`(select ${moved.seq} from ${moved})`.mapWith(Number),
    unreadCount: unreadCountSql(user, conversation, gateColumn('marker')),
    mentionCount: mentionCountSql(user, conversation, gateColumn('marker')),
    sharing: sql<boolean | null>`(select ${profiles.readReceipts} from ${profiles} where ${profiles.id} = ${actorId})`
  }).from(gate).prepare('read_mark')
}

const prepared = new WeakMap<Db, ReturnType<typeof prepare>>()

/**
 * Moves the caller's read marker forward, then tells the conversation (a read receipt, only when the
 * marker moved) and the caller's devices (the counts, also when it did not: a device that cleared
 * its badge on sending the mark learns what is still unread, such as mentions in threads).
 */
async function writeRead({ actor, conversationId: conversation, seq: upTo }: ReadMarkInput & { actor: Actor }): Promise<void> {
  const db = await useDb()
  let query = prepared.get(db)
  if (!query) prepared.set(db, query = prepare(db))
  const [row] = await query.execute({ actorId: actor.id, conversationId: conversation, seq: upTo })
  if (!row) throw notParticipant()
  if (row.moved !== null) publishRead({ conversationId: conversation, userId: actor.id, seq: row.moved }, row.sharing !== false)
  publishToUser(actor.id, 'unread:update', { conversationId: conversation, unreadCount: row.unreadCount, mentionCount: row.mentionCount })
}

const coalesced = coalesceMarks(writeRead)

/**
 * `read:mark` and `POST …/read`: the caller read the conversation up to `seq`. Marks of one member
 * for one conversation that arrive while one is written merge into the next write (the greatest seq
 * wins), so a burst or a backlog costs at most two writes; each caller's promise settles with the
 * write that carried or superseded its mark.
 */
export function markRead(actor: Actor, input: ReadMarkInput): Promise<void> {
  return coalesced(`${actor.id} ${input.conversationId}`, { ...input, actor })
}
