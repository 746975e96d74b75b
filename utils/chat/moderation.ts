import type { ModerationNotice, Sanction } from '#shared/moderation-schemas'

type Scoped = Pick<Sanction, 'kind' | 'until' | 'reason' | 'conversationId' | 'projectId'>

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

/** Has no end, or ends after `now`: the client's one reading of "a sanction in force". */
const sanctionInForce = (s: Pick<Sanction, 'until'>, now = Date.now()) => !s.until || new Date(s.until).getTime() > now

/**
 * The mute or ban that keeps the member from posting in this conversation: of those in force
 * whose scope covers it, the longest (no end beats any end); null when they may post.
 */
function postingSanction<S extends Scoped>(sanctions: readonly S[], conversation: { id: string, projectId: string }, now = Date.now()): S | null {
  const applies = sanctions.filter(s => sanctionInForce(s, now) && (s.kind === 'mute' || s.kind === 'ban')
    && (!s.conversationId || s.conversationId === conversation.id) && (!s.projectId || s.projectId === conversation.projectId))
  if (!applies.length) return null
  return applies.reduce((a, b) => (!a.until ? a : !b.until ? b : a.until >= b.until ? a : b))
}

/**
 * What the composer says when a mute or ban keeps the member from posting here, e.g.
 * "You are muted until Dec 2, 2026, 1:04 PM: cool down"; '' when nothing applies.
 */
export function muteNotice(sanctions: readonly Scoped[], conversation: { id: string, projectId: string }, now = Date.now()): string {
  const longest = postingSanction(sanctions, conversation, now)
  if (!longest) return ''
  const what = longest.kind === 'ban' ? 'You are banned here' : longest.conversationId ? 'You are read-only in this conversation' : 'You are muted'
  const until = longest.until ? ` until ${when.format(new Date(longest.until))}` : ''
  return `${what}${until}${longest.reason ? `: ${longest.reason}` : '.'}`
}

/** Applies a live notice to the member's sanctions: a new mute/ban joins, a lifted one leaves. */
export function applyNotice(sanctions: readonly Sanction[], notice: ModerationNotice, now = new Date()): Sanction[] {
  const sameScope = (s: Sanction) => s.conversationId === notice.conversationId && s.projectId === notice.projectId
  if (notice.kind === 'unmute') return sanctions.filter(s => !(s.kind === 'mute' && (notice.conversationId ? s.conversationId === notice.conversationId : true)))
  if (notice.kind === 'unban') return sanctions.filter(s => !(s.kind === 'ban' && sameScope(s)))
  if (notice.kind === 'warn') return [...sanctions]
  const kind = notice.kind
  return [
    ...sanctions.filter(s => !(s.kind === kind && sameScope(s))),
    { id: `live-${now.getTime()}`, kind, reason: notice.reason, until: notice.until, conversationId: notice.conversationId, projectId: notice.projectId, reportId: null, createdAt: now.toISOString() }
  ]
}

/** The toast a live notice shows the member. */
export function noticeToast(notice: ModerationNotice): { title: string, description?: string, color: 'warning' | 'error' | 'success' } {
  const until = notice.until ? ` until ${when.format(new Date(notice.until))}` : ''
  const description = notice.reason ?? undefined
  switch (notice.kind) {
    case 'warn': return { title: 'A moderator warned you', description, color: 'warning' }
    case 'mute': return { title: notice.conversationId ? `You are read-only in a conversation${until}` : `You are muted${until}`, description, color: 'error' }
    case 'ban': return { title: notice.projectId ? `You were removed from a project${until}` : `You are banned${until}`, description, color: 'error' }
    case 'unmute': return { title: 'You can post again', color: 'success' }
    case 'unban': return { title: 'Your ban was lifted', color: 'success' }
  }
}
