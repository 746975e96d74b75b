import { sql } from 'drizzle-orm'
import { rowsOf, type Db } from '~~/server/admin-surface'

/**
 * The analytics rollup, maintained incrementally from a per-conversation watermark.
 *
 * Why not a scheduled materialized view: a refresh recomputes everything (minutes at millions of
 * messages) and a read between refreshes is stale; the figures must equal what SQL counts now.
 * Why not counters in the send path: the send path stays untouched (no extra write per message).
 *
 * `conversations.last_seq` moves in the same transaction that inserts a message, under that row's
 * lock, so once a snapshot shows last_seq = N every message with seq <= N is committed and visible
 * in that same snapshot. Folding messages with seq in (folded_seq, last_seq] therefore never misses
 * or repeats one. Each analytics read folds its project's small tail first (exact numbers); a timer
 * keeps the tail small. Folds of one project are serialized by a transaction-scoped advisory lock,
 * and the fold itself is ONE statement (one snapshot) that runs after the lock is held, so a second
 * instance waiting on the lock sees the first one's watermarks and folds only what is left.
 *
 * Counted messages: every message that is not a system line (type <> 'system'), thread replies
 * included, deleted ones included (they were sent; deleting later does not unsend them), by
 * created_at in UTC.
 *
 * First response: messages of a conversation (thread replies included) in seq order form turns of
 * one sender. When a turn follows another sender's turn, its first message is the response to the
 * previous turn, after (its created_at - the previous turn's first created_at), in whole seconds
 * (floor, never below 0). A response belongs to the UTC day it was sent. The carry (the sender and
 * start of the turn in progress) lives in the watermark row, so turns span folds exactly.
 */

/** One lock key per project, in a namespace of its own (hashtextextended is stable across servers). */
const lockKey = (projectId: string) => sql`hashtextextended(${`analytics-fold:${projectId}`}, 0)`

/**
 * The fold's plan is estimated far above Postgres' jit_above_cost although it touches only the
 * tail, and compiling it cost 60 ms of a 65 ms fold at 1,000,000 messages (measured with EXPLAIN).
 */
export const noJit = sql`set local jit = off`

export interface FoldResult { conversations: number, messages: number }

/** Folds every message of the project committed so far into the rollup; returns what it folded. */
export async function foldProject(db: Db, projectId: string): Promise<FoldResult> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${lockKey(projectId)})`)
    await tx.execute(noJit)
    const result = await tx.execute(sql`
      with bound as (
        select c.id as conversation_id, c.project_id, c.last_seq,
               coalesce(w.folded_seq, 0) as folded_seq, w.turn_sender_id, w.turn_started_at
        from conversations c
        left join analytics_fold_state w on w.conversation_id = c.id
        where c.project_id = ${projectId} and c.last_seq > coalesce(w.folded_seq, 0)
      ),
      tail as (
        select m.conversation_id, b.project_id, m.sender_id, m.created_at, m.seq, false as carry
        from bound b
        join messages m on m.conversation_id = b.conversation_id and m.seq > b.folded_seq and m.seq <= b.last_seq
        where m.type <> 'system'
        union all
        -- The turn in progress when the last fold stopped: ordered before every tail message.
        select b.conversation_id, b.project_id, b.turn_sender_id, b.turn_started_at, b.folded_seq, true
        from bound b where b.turn_sender_id is not null
      ),
      marked as (
        select t.*,
               lag(t.sender_id) over w as prev_sender,
               (lag(t.sender_id) over w is distinct from t.sender_id) as starts_turn
        from tail t
        window w as (partition by t.conversation_id order by t.seq)
      ),
      numbered as (
        select m.*, sum(case when m.starts_turn then 1 else 0 end) over (partition by m.conversation_id order by m.seq) as turn_no
        from marked m
      ),
      turns as (
        select n.*, first_value(n.created_at) over (partition by n.conversation_id, n.turn_no order by n.seq) as turn_start
        from numbered n
      ),
      timed as (
        select t.*, lag(t.turn_start) over (partition by t.conversation_id order by t.seq) as prev_turn_start
        from turns t
      ),
      hourly as (
        insert into analytics_hourly (project_id, hour, conversation_id, sender_id, messages)
        select project_id, date_trunc('hour', created_at, 'UTC'), conversation_id, sender_id, count(*)::int
        from tail where not carry
        group by 1, 2, 3, 4
        on conflict (project_id, hour, conversation_id, sender_id)
        do update set messages = analytics_hourly.messages + excluded.messages
        returning 1
      ),
      responses as (
        insert into analytics_responses (project_id, day, seconds, responses)
        select project_id, (created_at at time zone 'UTC')::date,
               greatest(0, floor(extract(epoch from created_at - prev_turn_start)))::int, count(*)::int
        from timed
        where not carry and starts_turn and prev_sender is not null
        group by 1, 2, 3
        on conflict (project_id, day, seconds)
        do update set responses = analytics_responses.responses + excluded.responses
        returning 1
      ),
      last_turn as (
        select distinct on (conversation_id) conversation_id, sender_id, turn_start
        from turns order by conversation_id, seq desc
      ),
      state as (
        insert into analytics_fold_state (conversation_id, project_id, folded_seq, turn_sender_id, turn_started_at, folded_at)
        select b.conversation_id, b.project_id, b.last_seq, l.sender_id, l.turn_start, now()
        from bound b left join last_turn l on l.conversation_id = b.conversation_id
        on conflict (conversation_id) do update set
          folded_seq = excluded.folded_seq, turn_sender_id = excluded.turn_sender_id,
          turn_started_at = excluded.turn_started_at, folded_at = excluded.folded_at
        returning 1
      )
      select (select count(*) from state)::int as conversations,
             (select count(*) from tail where not carry)::int as messages,
             (select count(*) from hourly)::int as hourly,
             (select count(*) from responses)::int as responses`)
    const [row] = rowsOf<{ conversations: number, messages: number }>(result)
    return { conversations: Number(row?.conversations ?? 0), messages: Number(row?.messages ?? 0) }
  })
}

/** Projects with messages not folded yet (what the periodic job visits). */
async function projectsWithTail(db: Db): Promise<string[]> {
  const rows = rowsOf<{ project_id: string }>(await db.execute(sql`
    select distinct c.project_id from conversations c
    left join analytics_fold_state w on w.conversation_id = c.id
    where c.last_seq > coalesce(w.folded_seq, 0)`))
  return rows.map(r => r.project_id)
}

/** Folds every project's tail, one project (one lock) at a time. */
export async function foldAll(db: Db): Promise<FoldResult> {
  const total: FoldResult = { conversations: 0, messages: 0 }
  for (const projectId of await projectsWithTail(db)) {
    const r = await foldProject(db, projectId)
    total.conversations += r.conversations
    total.messages += r.messages
  }
  return total
}
