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
const APP_TABLES = ['app_settings', 'attachments', 'audit_log', 'auth_refresh_tokens', 'auth_sessions', 'conversation_participants', 'conversations', 'local_credentials', 'mentions', 'message_edits', 'messages', 'profiles', 'project_members', 'projects', 'reactions', 'reports', 'user_sanctions']

let sql: postgres.Sql
let url: string
const id = {
  alice: randomUUID(), bob: randomUUID(), carol: randomUUID(), dave: randomUUID(), mallory: randomUUID(),
  project: randomUUID(), otherProject: randomUUID(),
  convA: randomUUID(), convB: randomUUID(), locked: randomUUID(),
  msgA1: randomUUID(), msgA2: randomUUID(), msgB1: randomUUID()
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
      (${id.convA}, ${id.project}, 'group', 'A', 2), (${id.convB}, ${id.project}, 'group', 'B', 1),
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
    await tx`insert into reactions (message_id, user_id, emoji) values (${id.msgA1}, ${id.bob}, '👍'), (${id.msgB1}, ${id.bob}, '🎉')`
    await tx`insert into mentions (message_id, user_id, kind) values (${id.msgA1}, ${id.bob}, 'user'), (${id.msgB1}, ${id.bob}, 'user')`
    await tx`insert into message_edits (message_id, previous_content, edited_by) values (${id.msgA1}, 'helo', ${id.alice}), (${id.msgB1}, 'hi', ${id.bob})`
    await tx`insert into attachments (conversation_id, message_id, uploader_id, file_name, mime_type, size_bytes, storage_key) values
      (${id.convA}, ${id.msgA1}, ${id.alice}, 'a.png', 'image/png', 10, ${id.convA + '/x/a.png'}),
      (${id.convB}, ${id.msgB1}, ${id.bob}, 'b.png', 'image/png', 10, ${id.convB + '/y/b.png'})`
    await tx`insert into local_credentials (user_id, password_hash) values (${id.alice}, 'hash')`
    await tx`insert into app_settings (key, value) values ('local_jwt_secret', 'secret')`
    await tx`insert into audit_log (actor_id, action, target_type) values (${id.alice}, 'x', 'y')`
    await tx`insert into user_sanctions (user_id, kind, reason) values (${id.mallory}, 'mute', 'spam')`
    await tx`insert into reports (message_id, reporter_id, reason) values (${id.msgA2}, ${id.alice}, 'spam')`
    await tx`insert into storage.objects (bucket_id, name) values ('attachments', ${id.convA + '/x/a.png'}), ('attachments', ${id.convB + '/y/b.png'})`
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
    expect(rows.map(r => r.proname)).toEqual(['can_post', 'can_read_message', 'is_participant', 'is_project_member', 'shares_project'])
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
    expect(before.length).toBe(14)
    const [bucket] = await sql`select public, file_size_limit::int as limit, allowed_mime_types from storage.buckets where id = 'attachments'`
    expect(bucket).toMatchObject({ public: false, limit: 25 * 1024 * 1024 })
    expect(bucket!.allowed_mime_types).toContain('image/png')
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
      for (const table of ['messages', 'conversations', 'conversation_participants', 'reactions', 'mentions', 'message_edits', 'attachments']) {
        expect(await count(tx, table), table).toBe(0)
      }
    })
    await as('authenticated', id.alice, async (tx) => {
      expect(await count(tx, 'reactions')).toBe(1)
      expect(await count(tx, 'mentions')).toBe(1)
      expect(await count(tx, 'message_edits')).toBe(1)
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
    for (const table of ['local_credentials', 'app_settings', 'audit_log', 'user_sanctions', 'reports']) {
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

describe('RLS: writing', () => {
  it('a participant sends a message as themselves', async () => {
    const m = newMessage(id.convA, id.alice, 10)
    await as('authenticated', id.alice, tx => tx`insert into messages ${tx(m)}`)
    expect((await sql`select sender_id from messages where id = ${m.id}`)[0]!.sender_id).toBe(id.alice)
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

  it('reports: as yourself, about a message you can read', async () => {
    expect(await outcome(as('authenticated', id.alice, tx => tx`insert into reports (message_id, reporter_id, reason) values (${id.msgA2}, ${id.alice}, 'rude')`))).toBe('ok')
    expect(await outcome(as('authenticated', id.alice, tx => tx`insert into reports (message_id, reporter_id, reason) values (${id.msgA2}, ${id.bob}, 'rude')`))).toBe('42501')
    expect(await outcome(as('authenticated', id.alice, tx => tx`insert into reports (message_id, reporter_id, reason) values (${id.msgB1}, ${id.alice}, 'rude')`))).toBe('42501')
    expect(await outcome(as('authenticated', id.alice, tx => tx`insert into reports (message_id, reporter_id, reason, status) values (${id.msgA2}, ${id.alice}, 'rude', 'resolved')`))).toBe('42501')
  })
})

describe('RLS: storage bucket `attachments`', () => {
  it('participants read the objects under their conversation folder only', async () => {
    await as('authenticated', id.alice, async (tx) => {
      expect((await tx`select name from storage.objects`).map(r => r.name)).toEqual([`${id.convA}/x/a.png`])
    })
    await as('authenticated', id.carol, async (tx) => {
      expect(await tx`select name from storage.objects`).toHaveLength(0)
    })
  })

  it('participants upload into their conversation folder only', async () => {
    expect(await outcome(as('authenticated', id.alice, tx => tx`insert into storage.objects (bucket_id, name, owner) values ('attachments', ${id.convA + '/z/new.png'}, ${id.alice})`))).toBe('ok')
    expect(await outcome(as('authenticated', id.alice, tx => tx`insert into storage.objects (bucket_id, name, owner) values ('attachments', ${id.convB + '/z/new.png'}, ${id.alice})`))).toBe('42501')
    expect(await outcome(as('authenticated', id.alice, tx => tx`insert into storage.objects (bucket_id, name, owner) values ('attachments', 'not-a-uuid/new.png', ${id.alice})`))).toBe('42501')
    expect(await outcome(as('anon', null, tx => tx`insert into storage.objects (bucket_id, name) values ('attachments', ${id.convA + '/z/anon.png'})`))).toBe('42501')
  })
})
