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

-- The caller may read the message: it belongs to a conversation they take part in and is not
-- deleted (a deleted message shows nothing through the API, nor does what hangs off it).
create or replace function private.can_read_message(message_id uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1
    from public.messages m
    join public.conversation_participants cp on cp.conversation_id = m.conversation_id
    where m.id = can_read_message.message_id
      and m.deleted_at is null
      and cp.user_id = (select auth.uid())
  )
$$;

-- The caller may see the attachment, by the rule the server applies to downloads: a participant
-- of its conversation, and either it is sent with a message that is not deleted, or it is not
-- sent yet and the caller uploaded it.
create or replace function private.can_read_attachment(attachment_id uuid)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1
    from public.attachments a
    join public.conversation_participants cp on cp.conversation_id = a.conversation_id
    where a.id = can_read_attachment.attachment_id
      and cp.user_id = (select auth.uid())
      and case
        when a.message_id is null then a.uploader_id = (select auth.uid())
        else exists (select 1 from public.messages m where m.id = a.message_id and m.deleted_at is null)
      end
  )
$$;

-- The caller may read the storage object: it is the file (or thumbnail) of an attachment they may
-- see. Object names are '<conversation id>/<attachment id>/<file name>'; the attachment row must
-- name this very object, so a file put into a folder around the server is served to nobody.
create or replace function private.can_read_object(name text)
returns boolean
language sql stable security definer set search_path = ''
as $$
  select exists (
    select 1
    from public.attachments a
    -- case, not and: Postgres may evaluate the cast before a sibling test in a where clause.
    where a.id = case
        when split_part(can_read_object.name, '/', 2) ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
        then split_part(can_read_object.name, '/', 2)::uuid
      end
      and (a.storage_key = can_read_object.name or a.thumbnail_key = can_read_object.name)
      and private.can_read_attachment(a.id)
  )
$$;

revoke all on all functions in schema private from public, anon;
grant execute on all functions in schema private to authenticated, service_role;
