import { and, Column, eq, getTableName, gt, is, isNull, or, sql, type AnyColumn, type SQL, type SQLWrapper } from 'drizzle-orm'
import { userSanctions } from './schema'

// The one definition of "a sanction in force", as SQL over user_sanctions. Sign-in (infra/auth),
// the access gate (services/access.ts), the posting policy, the member's own list and the admin
// layer all read sanctions through these, so a ban or mute means the same thing everywhere.

/** Not lifted, and with no end or an end still ahead. */
export const sanctionInForce = (): SQL => and(isNull(userSanctions.revokedAt), or(isNull(userSanctions.until), gt(userSanctions.until, sql`now()`)))!

/** An account-wide ban in force for the user; project bans are not sign-in bans. */
export const accountBanInForce = (userId: string | SQL): SQL => and(
  eq(userSanctions.userId, userId),
  eq(userSanctions.kind, 'ban'),
  isNull(userSanctions.projectId),
  isNull(userSanctions.conversationId),
  sanctionInForce()
)!

/**
 * True while the project is closed to the user by a project ban in force. A project ban keeps their
 * membership rows, so lifting it gives everything back. An account-wide ban ends the session itself
 * (sign-in refused, sessions revoked, sockets dropped; a send in the instant before says MUTED "you
 * are banned"); what is reached without a session, a signed download link, checks
 * {@link accountBanInForce} as well.
 */
export function projectClosedTo(userId: string | AnyColumn | SQL, projectId: AnyColumn | SQL | string): SQL {
  return sql`exists (select 1 from ${userSanctions} s where s.user_id = ${outer(userId)} and s.kind = 'ban' and s.conversation_id is null
    and s.project_id = ${outer(projectId)} and s.revoked_at is null and (s.until is null or s.until > now()))`
}

/**
 * A column of the outer query, always with its table: drizzle writes select-list columns of a
 * one-table query bare (`"project_id"`), which inside the subquery above would name s.project_id.
 */
export function outer<T>(ref: T): T | SQL {
  return is(ref, Column) ? sql`${sql.identifier(getTableName(ref.table))}.${sql.identifier(ref.name)}` : ref
}

/** Bans in force (of anyone) that close the project. */
export const bansClosing = (projectId: string): SQL => and(
  eq(userSanctions.kind, 'ban'),
  isNull(userSanctions.conversationId),
  eq(userSanctions.projectId, projectId),
  sanctionInForce()
)!

/** The negation of {@link projectClosedTo}: the user may read the project. */
export const projectOpenTo = (userId: string | AnyColumn | SQL, projectId: AnyColumn | SQL | string): SQL => sql`not ${projectClosedTo(userId, projectId)}`

/**
 * Mutes and bans in force that silence the user beyond one conversation: account-wide or in any
 * project. A name or picture shows in every shared room, so these also hold back profile changes.
 */
export const silencingAnywhere = (userId: string): SQL => and(
  eq(userSanctions.userId, userId),
  or(eq(userSanctions.kind, 'mute'), eq(userSanctions.kind, 'ban')),
  isNull(userSanctions.conversationId),
  sanctionInForce()
)!

/**
 * Mutes and bans in force that stop the user writing in a scope: account-wide ones, the
 * project's, and (with a conversation) that conversation's read-only mute.
 */
export function silencingSanctions(userId: string | SQLWrapper, scope: { projectId?: string | AnyColumn | SQLWrapper | null, conversationId?: string | AnyColumn | SQLWrapper | null }): SQL {
  return and(
    eq(userSanctions.userId, userId),
    or(eq(userSanctions.kind, 'mute'), eq(userSanctions.kind, 'ban')),
    sanctionInForce(),
    scope.projectId ? or(isNull(userSanctions.projectId), eq(userSanctions.projectId, scope.projectId)) : isNull(userSanctions.projectId),
    scope.conversationId ? or(isNull(userSanctions.conversationId), eq(userSanctions.conversationId, scope.conversationId)) : isNull(userSanctions.conversationId)
  )!
}
