-- Row level security for the tables drizzle creates (drizzle/*.sql). The chat server talks to the
-- database as the table owner (Supabase's `postgres` role), which RLS does not restrict: these
-- policies guard the Supabase Data API / Realtime, used with the anon key and a user's JWT.
-- Model: nothing for anon; authenticated users may read what they take part in, and write
-- nothing. Every write goes through the server, which renders and sanitizes content, takes the
-- conversation's next seq, applies the posting policy (lock, mute, slow mode, rate, automod) and
-- derives counters, reads, mentions and attachments; a row written around it could carry
-- unsanitized HTML or a seq that breaks every later send.
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

-- 2. Table privileges: anon gets nothing; authenticated gets select on the tables a read policy
--    below exists for, and no insert, update or delete anywhere. Supabase's default privileges
--    grant ALL on new tables to anon and authenticated; take that back, both on the tables that
--    exist and on the ones later migrations create (run as the same owner), so a new table is
--    closed to the API roles even before this file has run again and turned its RLS on.
revoke all on all tables in schema public from anon, authenticated;
revoke all on all sequences in schema public from anon, authenticated;
alter default privileges in schema public revoke all on tables from anon, authenticated;
alter default privileges in schema public revoke all on sequences from anon, authenticated;
grant select on public.profiles, public.projects, public.project_members, public.conversations,
  public.messages, public.reactions, public.attachments, public.mentions to authenticated;
-- conversation_participants: who takes part and with which role, nothing more. Read receipts
-- (last_read_seq, delivered_seq, read_at) are left out because a member may opt out of sharing
-- them, and a column grant cannot tell whose row it is; the app reads receipts through the
-- server's API (GET /api/conversations/:id/receipts), which honours that choice. A member's
-- notification settings (muted, muted_until, notification_level) are theirs alone, also read
-- through the server. service_role keeps every column (grant all below).
grant select (conversation_id, user_id, role, joined_at) on public.conversation_participants to authenticated;
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

-- messages: participants read the ones not deleted. (Deleted text is blanked by the server, but
-- a tombstone is for the chat's own sync, not for the Data API.)
drop policy if exists "messages: participants read" on public.messages;
create policy "messages: participants read" on public.messages
  for select to authenticated using (deleted_at is null and private.is_participant(conversation_id));

-- what hangs off a message: readable with the message.
drop policy if exists "reactions: participants read" on public.reactions;
create policy "reactions: participants read" on public.reactions
  for select to authenticated using (private.can_read_message(message_id));

drop policy if exists "mentions: participants read" on public.mentions;
create policy "mentions: participants read" on public.mentions
  for select to authenticated using (private.can_read_message(message_id));

-- attachments: as the server serves them (sent with a message that is not deleted, or your own
-- upload not sent yet).
drop policy if exists "attachments: participants read" on public.attachments;
create policy "attachments: participants read" on public.attachments
  for select to authenticated using (private.can_read_attachment(id));

-- message_edits (text before each edit and of deleted messages): no grant, no policy. The edit
-- history is served by the server to the author and moderators only (GET /api/messages/:id/edits).
-- reports, local_credentials, app_settings, audit_log, user_sanctions, automod_rules, exports, escalation_rules, retention_policies,
-- project_invitations, push_subscriptions, password_resets, pending_email_notifications, thread_reads: no grant, no policy ->
-- service role only (a report is filed through POST /api/messages/:id/report).

-- drafts and scheduled_messages are private to their author and only ever read through the
-- server: RLS on (step 1) and no grants (step 2) keep them closed to the API roles.
