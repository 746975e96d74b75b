import { and, eq, sql, type SQL } from 'drizzle-orm'
import type { Conversation, Participant, UserSummary } from '#shared/types'
import type { DbOrTx } from '../../db/client'
import { projectOpenTo } from '../../db/sanctions'
import { conversationParticipants, conversations, profiles } from '../../db/schema'
import { mentionCountSql, unreadCountSql } from '../messages/reads-counts'
import { memberConversationTitle } from './title'

type Preview = Conversation['lastMessage']

/** The caller's view of conversations matching `where`: unread and mention counts, preview, DM peer. */
export async function loadConversations(db: DbOrTx, userId: string, where?: SQL): Promise<Conversation[]> {
  const p = conversationParticipants
  const c = conversations
  const rows = await db.select({
    c,
    myRole: p.role,
    level: p.notificationLevel,
    mutedUntil: p.mutedUntil,
    // Thread replies count in their thread, not in the conversation's unread badge (reads-counts.ts).
    unread: unreadCountSql(userId, c.id, p.lastReadSeq),
    mentionCount: mentionCountSql(userId, c.id, p.lastReadSeq),
    lastMessage: sql<Preview>`(select json_build_object('senderId', m.sender_id, 'senderName', pr.display_name,
      'content', left(m.content, 200), 'createdAt', m.created_at) from messages m join profiles pr on pr.id = m.sender_id
      where m.conversation_id = ${c.id} and m.deleted_at is null and m.thread_root_id is null order by m.seq desc limit 1)`,
    peer: sql<UserSummary | null>`(case when ${c.type} = 'direct' then (select json_build_object('id', pr.id,
      'displayName', pr.display_name, 'avatarUrl', pr.avatar_url) from conversation_participants op
      join profiles pr on pr.id = op.user_id where op.conversation_id = ${c.id} and op.user_id <> ${userId} limit 1) end)`
  })
    .from(p)
    .innerJoin(c, eq(c.id, p.conversationId))
    // A project closed to the user by a ban shows them nothing of it: no row, no preview, no counts.
    .where(and(eq(p.userId, userId), projectOpenTo(userId, c.projectId), where))
    .orderBy(sql`${c.lastMessageAt} desc nulls last`, c.createdAt)
  return rows.map(r => ({
    id: r.c.id,
    projectId: r.c.projectId,
    type: r.c.type,
    title: memberConversationTitle(r.c, r.peer),
    status: r.c.status,
    lastSeq: r.c.lastSeq,
    lastMessageAt: r.c.lastMessageAt?.toISOString() ?? null,
    unreadCount: r.unread,
    mentionCount: r.mentionCount,
    myRole: r.myRole,
    preferences: { notificationLevel: r.level, mutedUntil: r.mutedUntil && r.mutedUntil > new Date() ? r.mutedUntil.toISOString() : null },
    settings: {
      slowModeSeconds: r.c.settings?.slowModeSeconds ?? 0,
      ...(r.c.settings?.membersCanPin ? { membersCanPin: true } : {}),
      ...(r.c.settings?.membersCanAdd === false ? { membersCanAdd: false } : {})
    },
    lastMessage: r.lastMessage ? { ...r.lastMessage, createdAt: new Date(r.lastMessage.createdAt).toISOString() } : null,
    peer: r.peer
  }))
}

/**
 * Participants of a conversation with their profile fields. Given a `viewerId` (a member, not an
 * admin), another participant's read position is shown only when both share read receipts, as
 * the receipts endpoint decides; otherwise it reads 0.
 */
export async function loadParticipants(db: DbOrTx, conversationId: string, viewerId?: string): Promise<Participant[]> {
  const rows = await db.select({ p: conversationParticipants, u: profiles })
    .from(conversationParticipants)
    .innerJoin(profiles, eq(profiles.id, conversationParticipants.userId))
    .where(eq(conversationParticipants.conversationId, conversationId))
    .orderBy(profiles.displayName)
  const viewerShares = viewerId === undefined || rows.find(r => r.u.id === viewerId)?.u.readReceipts !== false
  const readShown = (u: typeof profiles.$inferSelect) => viewerId === undefined || u.id === viewerId || (viewerShares && u.readReceipts)
  return rows.map(({ p, u }) => ({
    id: u.id,
    userId: u.id,
    displayName: u.displayName,
    avatarUrl: u.avatarUrl,
    email: u.email,
    role: p.role,
    lastReadSeq: readShown(u) ? p.lastReadSeq : 0,
    joinedAt: p.joinedAt.toISOString()
  }))
}
