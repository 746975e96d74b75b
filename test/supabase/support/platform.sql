-- What a Supabase project provides before any of our SQL runs, reduced to what our policies use.
-- Test-only: applied by test/supabase/support/db.ts as the cluster superuser into a throw-away
-- database. Mirrors supabase/postgres (roles, default privileges, auth.uid()/auth.jwt(), and the
-- storage schema's buckets/objects/foldername) so supabase/sql/*.sql runs here unchanged.
-- :owner is the login role that plays Supabase's `postgres` (owns the app tables, not superuser).

do $$ begin
  if not exists (select from pg_roles where rolname = 'anon') then create role anon nologin noinherit; end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then create role authenticated nologin noinherit; end if;
  if not exists (select from pg_roles where rolname = 'service_role') then create role service_role nologin noinherit bypassrls; end if;
end $$;

grant anon, authenticated, service_role to :"owner";

create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;

-- Same bodies as supabase/postgres' auth functions: PostgREST sets request.jwt.claims per request.
create or replace function auth.uid() returns uuid language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;
create or replace function auth.role() returns text language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;
create or replace function auth.jwt() returns jsonb language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;

create schema if not exists storage;
grant usage on schema storage to anon, authenticated, service_role;
create table if not exists storage.buckets (
  id text primary key,
  name text not null unique,
  owner uuid,
  owner_id text,
  public boolean default false,
  avif_autodetection boolean default false,
  file_size_limit bigint,
  allowed_mime_types text[],
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);
create table if not exists storage.objects (
  id uuid primary key default gen_random_uuid(),
  bucket_id text references storage.buckets (id),
  name text,
  owner uuid,
  owner_id text,
  metadata jsonb,
  path_tokens text[] generated always as (string_to_array(name, '/')) stored,
  version text,
  user_metadata jsonb,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  last_accessed_at timestamptz default now(),
  unique (bucket_id, name)
);
create or replace function storage.foldername(name text) returns text[] language plpgsql immutable as $$
declare _parts text[];
begin
  select string_to_array(name, '/') into _parts;
  return _parts[1:array_length(_parts, 1) - 1];
end $$;
alter table storage.buckets enable row level security;
alter table storage.objects enable row level security;
grant all on storage.buckets, storage.objects to anon, authenticated, service_role;
alter table storage.buckets owner to :"owner";
alter table storage.objects owner to :"owner";

-- Supabase grants every new table in public to the API roles and lets RLS decide.
grant usage on schema public to anon, authenticated, service_role;
alter default privileges for role :"owner" in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges for role :"owner" in schema public grant all on sequences to anon, authenticated, service_role;
alter default privileges for role :"owner" in schema public grant all on functions to anon, authenticated, service_role;
