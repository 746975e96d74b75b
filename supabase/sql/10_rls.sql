-- Row level security for the tables drizzle creates (drizzle/*.sql). The chat server talks to the
-- database as the table owner (Supabase's `postgres` role), which RLS does not restrict: these
-- policies guard the Supabase Data API / Realtime, used with the anon key and a user's JWT.
-- Model: nothing for anon; authenticated users read what they take part in; every write except
-- "send a message as myself" and "report a message I can read" goes through the server.
-- Idempotent: drop policy if exists + create.

-- 1. Every table in public gets RLS, including tables a later migration adds before this file
--    learns about them (they stay deny-all for the API roles until policies are written).
do $$
declare t record;
begin
  for t in select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = 'public' and c.relkind in ('r', 'p')
  loop
    execute format('alter table public.%I enable row level security', t.relname);
  end loop;
end $$;

-- 2. Table privileges: anon gets nothing; service-only tables are closed to authenticated too.
--    Supabase's default privileges grant ALL on new tables to anon and authenticated; take that
--    back and grant only what a policy below exists for (RLS stays the gate either way).
revoke all on all tables in schema public from anon, authenticated;
revoke all on all sequences in schema public from anon, authenticated;
grant insert on public.reports to authenticated;
grant select on public.profiles, public.projects, public.project_members, public.conversations,
  public.conversation_participants, public.messages, public.message_edits, public.reactions,
  public.attachments, public.mentions to authenticated;
grant insert on public.messages to authenticated;
grant all on all tables in schema public to service_role;
grant all on all sequences in schema public to service_role;

-- The drizzle bookkeeping schema is not for the API roles.
do $$ begin
  if exists (select from pg_namespace where nspname = 'drizzle') then
    execute 'revoke all on schema drizzle from anon, authenticated';
    execute 'revoke all on all tables in schema drizzle from anon, authenticated';
  end if;
end $$;

-- 3. Policies.
-- profiles: yourself and the people you share a project with.
drop policy if exists "profiles: read people sharing a project" on public.profiles;
create policy "profiles: read people sharing a project" on public.profiles
  for select to authenticated using (private.shares_project(id));

-- projects / project_members: projects you belong to, and their member lists.
drop policy if exists "projects: members read" on public.projects;
create policy "projects: members read" on public.projects
  for select to authenticated using (private.is_project_member(id));

drop policy if exists "project_members: members read" on public.project_members;
create policy "project_members: members read" on public.project_members
  for select to authenticated using (private.is_project_member(project_id));

-- conversations and their participant rows: the ones you take part in.
drop policy if exists "conversations: participants read" on public.conversations;
create policy "conversations: participants read" on public.conversations
  for select to authenticated using (private.is_participant(id));

drop policy if exists "conversation_participants: participants read" on public.conversation_participants;
create policy "conversation_participants: participants read" on public.conversation_participants
  for select to authenticated using (private.is_participant(conversation_id));

-- messages: participants read; a sender inserts only as themselves into a conversation they can post in.
drop policy if exists "messages: participants read" on public.messages;
create policy "messages: participants read" on public.messages
  for select to authenticated using (private.is_participant(conversation_id));

drop policy if exists "messages: participants send as themselves" on public.messages;
create policy "messages: participants send as themselves" on public.messages
  for insert to authenticated
  with check (sender_id = (select auth.uid()) and private.can_post(conversation_id));

-- what hangs off a message: readable with the message.
drop policy if exists "message_edits: participants read" on public.message_edits;
create policy "message_edits: participants read" on public.message_edits
  for select to authenticated using (private.can_read_message(message_id));

drop policy if exists "reactions: participants read" on public.reactions;
create policy "reactions: participants read" on public.reactions
  for select to authenticated using (private.can_read_message(message_id));

drop policy if exists "mentions: participants read" on public.mentions;
create policy "mentions: participants read" on public.mentions
  for select to authenticated using (private.can_read_message(message_id));

drop policy if exists "attachments: participants read" on public.attachments;
create policy "attachments: participants read" on public.attachments
  for select to authenticated using (private.is_participant(conversation_id));

-- reports: a user files a report as themselves about a message they can read; only the service reads them.
drop policy if exists "reports: report as yourself" on public.reports;
create policy "reports: report as yourself" on public.reports
  for insert to authenticated
  with check (reporter_id = (select auth.uid()) and status = 'open' and resolved_by is null
              and private.can_read_message(message_id));

-- local_credentials, app_settings, audit_log, user_sanctions: RLS on, no policy, no grant -> service role only.
