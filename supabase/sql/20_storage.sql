-- The private `attachments` bucket and who may read its objects through the Storage API.
-- Object names: '<conversation id>/<attachment id>/<file name>'. The chat server is the only
-- writer: it checks type, size and the posting policy, uploads with the service role (which
-- bypasses these policies) and hands out signed URLs. A user's JWT may read, through the Storage
-- API, exactly what the server would serve that user; it may not upload, replace or delete.
-- Keep the limits in step with UPLOAD_MAX_BYTES (default 25 MiB) and supabase/config.toml
-- [storage.buckets.attachments].

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

-- Readable: the file of an attachment the caller may see (private.can_read_attachment) — not an
-- upload someone else has not sent yet, not the file of a deleted message, not an object with no
-- attachment row.
drop policy if exists "attachments: participants read" on storage.objects;
create policy "attachments: participants read" on storage.objects
  for select to authenticated
  using (bucket_id = 'attachments' and private.can_read_object(name));

-- No insert/update/delete policy: uploads, replacements and removals go through the server.
