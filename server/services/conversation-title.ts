import { sql, type SQL, type SQLWrapper } from 'drizzle-orm'
import { conversations } from '../db/schema'

type TitleColumns = { id: SQLWrapper, type: SQLWrapper, title: SQLWrapper }

/** The columns of `conversations` under a query's alias (`from conversations c` → `aliased('c')`), for raw SQL. */
export const aliasedConversation = (alias: string): TitleColumns =>
  ({ id: sql.raw(`${alias}.id`), type: sql.raw(`${alias}.type`), title: sql.raw(`${alias}.title`) })

/**
 * The title a conversation is shown by: its own, except direct messages, whose stored title is
 * generic and which are named after their participants ("Alice & Bob") in admin lists, analytics and exports.
 */
export function shownConversationTitle(c: TitleColumns = conversations): SQL<string> {
  return sql<string>`coalesce(case when ${c.type} = 'direct' then (select string_agg(pr.display_name, ' & ' order by pr.display_name)
    from conversation_participants cp join profiles pr on pr.id = cp.user_id where cp.conversation_id = ${c.id}) end, ${c.title})`
}
