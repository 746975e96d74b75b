-- Helpers the RLS policies call. They live in schema `private` (not exposed by the Data API),
-- run as their owner (security definer) so a policy on one table can look at another table
-- without that table's own policies running again (no recursion), and pin search_path to ''
-- so every name inside is schema-qualified and cannot be hijacked.
-- Applied by scripts/supabase-apply.mjs after the drizzle migrations; idempotent.

create schema if not exists private;
revoke all on schema private from public;
grant usage on schema private to authenticated, service_role;

-- The caller takes part in the conversation.
create or replace function private.is_participant(conversation_id uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.conversation_participants cp
    where cp.conversation_id = is_participant.conversation_id
      and cp.user_id = (select auth.uid())
  )
$$;

-- The caller is a member of the project.
create or replace function private.is_project_member(project_id uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1 from public.project_members pm
    where pm.project_id = is_project_member.project_id
      and pm.user_id = (select auth.uid())
  )
$$;

-- The caller and `user_id` are members of at least one common project (or are the same person).
create or replace function private.shares_project(user_id uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select shares_project.user_id = (select auth.uid())
    or exists (
      select 1
      from public.project_members mine
      join public.project_members theirs on theirs.project_id = mine.project_id
      where mine.user_id = (select auth.uid())
        and theirs.user_id = shares_project.user_id
    )
$$;

-- The caller may read the message: it belongs to a conversation they take part in.
create or replace function private.can_read_message(message_id uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1
    from public.messages m
    join public.conversation_participants cp on cp.conversation_id = m.conversation_id
    where m.id = can_read_message.message_id
      and cp.user_id = (select auth.uid())
  )
$$;

-- The caller may post into the conversation: participant, conversation active, no live mute/ban.
create or replace function private.can_post(conversation_id uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1
    from public.conversation_participants cp
    join public.conversations c on c.id = cp.conversation_id
    where cp.conversation_id = can_post.conversation_id
      and cp.user_id = (select auth.uid())
      and c.status = 'active'
  )
  and not exists (
    select 1 from public.user_sanctions s
    where s.user_id = (select auth.uid())
      and s.revoked_at is null
      and (s.until is null or s.until > now())
  )
$$;

-- The conversation id of a storage object named '<conversation uuid>/<...>/<file>', or null.
create or replace function private.object_conversation_id(name text)
returns uuid
language sql immutable set search_path = ''
as $$
  select case
    when split_part(name, '/', 1) ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
      and position('/' in name) > 0
    then split_part(name, '/', 1)::uuid
  end
$$;

revoke all on all functions in schema private from public, anon;
grant execute on all functions in schema private to authenticated, service_role;
