import { sql, type SQL, type SQLWrapper } from 'drizzle-orm'
import type { ConversationType, UserSummary } from '#shared/types'
import { conversations } from '../../db/schema'

// The one home of a conversation's label on the server. A stored title names every conversation but
// a direct message, whose stored title is generic: in a member's own view it is named after the other
// person; in lists and files meant for anyone (admin lists, analytics, exports) after both.

/** The title a member sees a conversation by (sidebar, header, notifications). */
export function memberConversationTitle(c: { type: ConversationType, title: string }, peer: Pick<UserSummary, 'displayName'> | null): string {
  return c.type === 'direct' && peer ? peer.displayName : c.title
}

type TitleColumns = { id: SQLWrapper, type: SQLWrapper, title: SQLWrapper }

/** The columns of `conversations` under a query's alias (`from conversations c` → `aliased('c')`), for raw SQL. */
export const aliasedConversation = (alias: string): TitleColumns =>
  ({ id: sql.raw(`${alias}.id`), type: sql.raw(`${alias}.type`), title: sql.raw(`${alias}.title`) })

/** The title a conversation is shown by in admin lists, analytics and exports: a direct message is "Alice & Bob". */
export function shownConversationTitle(c: TitleColumns = conversations): SQL<string> {
  return sql<string>`coalesce(case when ${c.type} = 'direct' then (select string_agg(pr.display_name, ' & ' order by pr.display_name)
    from conversation_participants cp join profiles pr on pr.id = cp.user_id where cp.conversation_id = ${c.id}) end, ${c.title})`
}
