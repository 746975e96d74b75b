-- Trigram matching for partial words and CJK in message search (0019 indexes messages.content with it).
-- Supabase ships pg_trgm (often already created in the "extensions" schema, which is on its search_path).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
