import { and, eq, sql } from 'drizzle-orm'
import type { Db } from '../../db/client'
import { conversationParticipants, conversations, messages, userSanctions } from '../../db/schema'
import { silencingSanctions } from '../../db/sanctions'
import { AppError } from '../../utils/errors'
import { notParticipant, notProjectBanned, type Membership, type Silencing } from '../access'
import type { Actor } from '../../domain/actor'
import { useMetrics } from '../../infra/metrics'
import { cachedGate, gateGeneration, storeGate } from './send-gate-cache'

/** What a send learns before it reads its content. */
export interface SendGate {
  membership: Membership
  /** The sender's earlier message with this clientId: a retry. */
  existingId: string | null
  /** The mute or ban in force that silences the sender here, if any. */
  silenced: Silencing | null
  /**
   * Answered from memory: `existingId` was not looked up, so a refusal or a duplicate key later
   * must first look for an earlier message with this clientId (a retry whose ack was lost).
   */
  fromMemory: boolean
}

/** A clientId the sender already used in another conversation: a misused one, not a retry. */
export const clientIdReused = () => new AppError('CONFLICT', 'clientId: already used for another message', { fields: [{ field: 'clientId', message: 'already used' }] })

const actorId = sql.placeholder('actorId')
const conversationId = sql.placeholder('conversationId')
const clientId = sql.placeholder('clientId')

/**
 * Built and prepared once per database handle: the caller's place in the conversation (the rule of
 * requireParticipant: a participant, in a project not closed to them), a message they already sent
 * with this clientId, and the sanction assertNotSilenced would find, in one round trip.
 */
function prepare(db: Db) {
  return db.select({
    conversation: conversations,
    participant: conversationParticipants,
    existing: sql<{ id: string, conversationId: string } | null>`(select json_build_object('id', m.id, 'conversationId', m.conversation_id)
      from ${messages} m where m.sender_id = ${actorId} and m.client_id = ${clientId})`,
    silenced: sql<{ kind: string, until: string | null, reason: string | null, conversationId: string | null } | null>`(select
      json_build_object('kind', ${userSanctions.kind}, 'until', ${userSanctions.until}, 'reason', ${userSanctions.reason}, 'conversationId', ${userSanctions.conversationId})
      from ${userSanctions} where ${silencingSanctions(actorId, { projectId: conversations.projectId, conversationId: conversations.id })}
      order by ${userSanctions.until} desc nulls first limit 1)`
  })
    .from(conversationParticipants)
    .innerJoin(conversations, eq(conversations.id, conversationParticipants.conversationId))
    .where(and(eq(conversationParticipants.conversationId, conversationId), eq(conversationParticipants.userId, actorId),
      notProjectBanned(sql`${actorId}`, conversations.projectId)))
    .prepare('send_gate')
}

const prepared = new WeakMap<Db, ReturnType<typeof prepare>>()

/**
 * The checks every send starts with. A missing conversation and one the caller is not in answer
 * alike (FORBIDDEN); a clientId used before in another conversation is a misused one (CONFLICT).
 */
export async function readSendGate(db: Db, actor: Actor, conversation: string, client: string, options: { fresh?: boolean } = {}): Promise<SendGate> {
  const remembered = options.fresh ? undefined : cachedGate(actor.id, conversation)
  // A refusal is never answered from memory: a mute lifted a moment ago by another connection (its
  // notice still on the way) must not refuse. Allowing from memory is safe: the insert checks
  // membership, bans and mutes again at commit.
  if (remembered && !remembered.silenced) {
    useMetrics().sendGates.inc({ source: 'memory' })
    return { ...remembered, existingId: null, fromMemory: true }
  }
  useMetrics().sendGates.inc({ source: 'database' })
  const readAt = gateGeneration()
  let query = prepared.get(db)
  if (!query) prepared.set(db, query = prepare(db))
  const [row] = await query.execute({ actorId: actor.id, conversationId: conversation, clientId: client })
  if (!row) throw notParticipant()
  if (row.existing && row.existing.conversationId !== conversation) {
    throw clientIdReused()
  }
  const s = row.silenced
  const gate = {
    membership: { conversation: row.conversation, participant: row.participant },
    silenced: s ? { kind: s.kind, until: s.until ? new Date(s.until) : null, reason: s.reason, conversationId: s.conversationId } : null
  }
  storeGate(readAt, actor.id, conversation, gate)
  return { ...gate, existingId: row.existing?.id ?? null, fromMemory: false }
}
