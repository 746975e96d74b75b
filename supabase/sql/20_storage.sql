-- The private `attachments` bucket and who may touch its objects through the Storage API.
-- Object names: '<conversation id>/<attachment id>/<file name>'; access follows the first folder.
-- The chat server uploads and signs URLs with the service role (which bypasses these policies);
-- they cover direct use of the Storage API with a user's JWT. Keep the limits in step with
-- UPLOAD_MAX_BYTES (default 25 MiB) and supabase/config.toml [storage.buckets.attachments].

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('attachments', 'attachments', false, 26214400, array[
  'image/png', 'image/jpeg', 'image/gif', 'image/webp',
  'application/pdf', 'text/plain', 'text/markdown', 'text/csv', 'application/json', 'application/zip',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation'
])
on conflict (id) do update set
  public = excluded.public,
  file_size_limit = excluded.file_size_limit,
  allowed_mime_types = excluded.allowed_mime_types;

drop policy if exists "attachments: participants read" on storage.objects;
create policy "attachments: participants read" on storage.objects
  for select to authenticated
  using (bucket_id = 'attachments' and private.is_participant(private.object_conversation_id(name)));

drop policy if exists "attachments: participants upload" on storage.objects;
create policy "attachments: participants upload" on storage.objects
  for insert to authenticated
  with check (bucket_id = 'attachments' and private.can_post(private.object_conversation_id(name)));

-- No update/delete policy: replacing or removing files goes through the server (service role).
