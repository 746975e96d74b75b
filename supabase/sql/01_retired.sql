-- Policies and helpers that earlier versions of these files created, removed from databases that
-- still have them. They opened write paths around the chat server (members inserting messages,
-- reports and storage objects directly) or exposed edit history; the server is now the only
-- writer. Runs before 10_rls.sql / 20_storage.sql, which (re)create the current policies.
-- Idempotent.

drop policy if exists "messages: participants send as themselves" on public.messages;
drop policy if exists "reports: report as yourself" on public.reports;
drop policy if exists "message_edits: participants read" on public.message_edits;
drop policy if exists "attachments: participants upload" on storage.objects;
-- Recreated by 20_storage.sql on the attachment rule; the old one followed the folder name only.
drop policy if exists "attachments: participants read" on storage.objects;

drop function if exists private.can_post(uuid);
drop function if exists private.object_conversation_id(text);
